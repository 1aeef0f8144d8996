// The live queue board: who is waiting and who is with an agent, by team, with how long each has waited. It
// fetches again on every `conversation` event, and the waiting times tick in between.
import { useEffect, useMemo } from 'preact/hooks';
import { api, query, serverNow, type ConversationSummary } from '../api.ts';
import { channelName, contactName, duration, named, t } from '../i18n.ts';
import { debounce, useLive } from '../live.ts';
import { TeamName, useTeamTitles } from '../teams.tsx';
import { Loading, useLoad, useNow } from '../ui.tsx';

interface Board {
  queued: ConversationSummary[];
  assigned: ConversationSummary[];
  /** How many there are in all: more than shown when a column holds more than one read (200). */
  totals: { queued: number; assigned: number };
  /** How many there are in all by team ('' for none), when the server counts them. */
  teams: { queued?: Record<string, number>; assigned?: Record<string, number> };
  fetchedAt: number;
}

async function loadBoard(): Promise<Board> {
  const list = (stage: string) => api<{ conversations: ConversationSummary[]; total?: number; teams?: Record<string, number> }>('GET', `/api/conversations${query({ status: 'open', stage, limit: 200 })}`);
  const [queued, assigned] = await Promise.all([list('queued'), list('assigned')]);
  return {
    queued: queued.conversations, assigned: assigned.conversations, fetchedAt: serverNow(),
    totals: { queued: queued.total ?? queued.conversations.length, assigned: assigned.total ?? assigned.conversations.length },
    teams: { queued: queued.teams, assigned: assigned.teams },
  };
}

/** Seconds `conversation` has waited at `now`: since it was queued, or as the server counted it when fetched. */
function waited(conversation: ConversationSummary, now: number, fetchedAt: number): number {
  if (conversation.queuedAt) return (now - Date.parse(conversation.queuedAt)) / 1000;
  return (conversation.waitingSeconds ?? 0) + (now - fetchedAt) / 1000;
}

/** The conversations by team; a team counted in `counts` but with none shown gets an empty group. */
function byTeam(conversations: ConversationSummary[], counts: Record<string, number> = {}): [string, ConversationSummary[]][] {
  const teams = new Map<string, ConversationSummary[]>();
  for (const conversation of conversations) {
    const team = conversation.team ?? '';
    teams.set(team, [...(teams.get(team) ?? []), conversation]);
  }
  for (const team of Object.keys(counts)) if (!teams.has(team)) teams.set(team, []);
  return [...teams].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
}

function Card({ conversation, now, fetchedAt, waiting }: { conversation: ConversationSummary; now: number; fetchedAt: number; waiting: boolean }) {
  return (
    <li class="card conversation-card" data-id={String(conversation.id)}>
      <a href={`#/conversations/${encodeURIComponent(String(conversation.id))}`}>
        <span class="who" dir="auto">{contactName(conversation.contact)}</span>
        <span class="meta">
          <span class="badge">{channelName(conversation.app ?? conversation.channel)}</span>
          {waiting
            ? <span class="wait">{t('waitedFor', { time: duration(waited(conversation, now, fetchedAt)) })}</span>
            : <span>{t('heldBy', { agent: named(conversation.agentName ?? conversation.agentId ?? '?') })}</span>}
        </span>
        {conversation.lastMessage ? <span class="last" dir="auto" translate={false}>{conversation.lastMessage.text}</span> : null}
      </a>
    </li>
  );
}

/** How many of `team` there are in all: as the server counted them, or those shown. */
function teamTotal(counts: Record<string, number> | undefined, team: string, shown: number): number {
  return counts && Object.hasOwn(counts, team) ? counts[team]! : shown;
}

function Column({ title, conversations, total, teams, empty, now, fetchedAt, waiting }: { title: string; conversations: ConversationSummary[]; total: number; teams?: Record<string, number>; empty: string; now: number; fetchedAt: number; waiting: boolean }) {
  const sorted = useMemo(() => [...conversations].sort((a, b) => waited(b, now, fetchedAt) - waited(a, now, fetchedAt)), [conversations, fetchedAt]);
  return (
    <section class={`column ${waiting ? 'waiting' : 'assigned'}`} aria-label={title}>
      <h2>{title} <span class="count">{total}</span></h2>
      {total > conversations.length ? <p class="muted shown-of">{t(waiting ? 'queueShownOf' : 'shownOf', { shown: conversations.length, total })}</p> : null}
      {conversations.length === 0 ? <p class="muted">{empty}</p> : byTeam(sorted, teams).map(([team, list]) => (
        <div class="team-group" data-team={team}>
          <h3>{team ? <TeamName name={team} /> : <bdi>{t('noTeam')}</bdi>} <span class="count">{teamTotal(teams, team, list.length)}</span></h3>
          {list.length === 0 ? <p class="muted none-shown">{t('teamNoneShown')}</p> : null}
          <ul class="cards">{list.map((conversation) => <Card conversation={conversation} now={now} fetchedAt={fetchedAt} waiting={waiting} />)}</ul>
        </div>
      ))}
    </section>
  );
}

export function QueueBoard() {
  const board = useLoad(loadBoard, []);
  const refresh = useMemo(() => debounce(board.reload, 250), []);
  useEffect(() => refresh.cancel, []);
  useLive('conversation', refresh);
  useLive('agents', refresh);
  useTeamTitles();
  const now = useNow(1000);
  return (
    <div class="queue">
      <h1>{t('queueTitle')}</h1>
      <Loading loaded={board}>
        {(data) => (
          <div class="board">
            <Column title={t('waiting')} conversations={data.queued} total={data.totals.queued} teams={data.teams.queued} empty={t('nobodyWaiting')} now={now} fetchedAt={data.fetchedAt} waiting />
            <Column title={t('assigned')} conversations={data.assigned} total={data.totals.assigned} teams={data.teams.assigned} empty={t('nobodyAssigned')} now={now} fetchedAt={data.fetchedAt} waiting={false} />
          </div>
        )}
      </Loading>
    </div>
  );
}
