// Conversations: a searchable list (paged, newest first), and one conversation's transcript with its internal
// notes, attachments, delivery statuses and lifecycle events, and what an admin can do with it (close, transfer,
// hand back to the bot, note). Everything a customer wrote is shown as text, never as markup.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, query, timeZone, type Agent, type ConversationSummary, type TimelineEvent, type Transcript, type TranscriptMessage } from '../api.ts';
import { back, channelName, contactName, duration, failureWords, lang, named, onLangChange, t, when, type StringKey } from '../i18n.ts';
import { debounce, useLive } from '../live.ts';
import { ConfirmButton, errorMessage, Loading, Notice, safeUrl, Styled, useLoad, useNow, usePaged } from '../ui.tsx';
import { TeachIntent } from './nlp.tsx';
import { TeamName, teamNamed, teamShown, useTeamTitles } from '../teams.tsx';

const STAGES: Record<ConversationSummary['stage'], StringKey> = { bot: 'stageBot', queued: 'stageQueued', assigned: 'stageAssigned' };

export function stageLabel(conversation: Pick<ConversationSummary, 'status' | 'stage'>): string {
  return conversation.status === 'closed' ? t('closed') : t(STAGES[conversation.stage] ?? 'open');
}

/** Whether the conversation waits in a queue now: what `Waited` counts. */
const inQueue = (conversation: ConversationSummary): boolean => conversation.status === 'open' && conversation.stage === 'queued';

/**
 * Seconds the customer of a queued conversation has waited at `now` (ms): since it joined its queue, as the queue board
 * counts; as the server counted it when it was fetched, for a record without `queuedAt`.
 */
function waitedSeconds(conversation: ConversationSummary, now: number): number {
  return conversation.queuedAt !== undefined ? (now - Date.parse(conversation.queuedAt)) / 1000 : conversation.waitingSeconds ?? 0;
}

/** How long a queued conversation's customer has waited, counting on every second (`words`: how the page says it). */
function Waited({ conversation, words }: { conversation: ConversationSummary; words: (time: string) => string }) {
  const now = useNow(1000);
  return <>{words(duration(waitedSeconds(conversation, now)))}</>;
}

export function ConversationRows({ conversations }: { conversations: ConversationSummary[] }) {
  useTeamTitles();
  return (
    <ul class="rows">
      {conversations.map((conversation) => (
        <li class="row" data-id={String(conversation.id)}>
          <a href={`#/conversations/${encodeURIComponent(String(conversation.id))}`}>
            <span class="who">#{conversation.id} · <bdi>{contactName(conversation.contact)}</bdi></span>
            <span class="meta">
              <span class={`badge ${conversation.status === 'closed' ? '' : conversation.stage}`}>{stageLabel(conversation)}</span>
              <span class="badge">{channelName(conversation.app ?? conversation.channel)}</span>
              {conversation.team ? <TeamName name={conversation.team} /> : null}
              {conversation.agentName ? <bdi>{conversation.agentName}</bdi> : null}
              {inQueue(conversation) ? <span class="wait"><Waited conversation={conversation} words={(time) => t('waitedFor', { time })} /></span> : null}
              <span class="muted">{when(conversation.openedAt)}</span>
            </span>
            {conversation.lastMessage ? <span class="last" dir="auto" translate={false}>{conversation.lastMessage.text}</span> : null}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function ConversationList() {
  const [filters, setFilters] = useState({ q: '', status: '', stage: '', team: '' });
  const [applied, setApplied] = useState(filters);
  // A team typed as the page names it (الفواتير) is searched by its name in team.yaml (Billing).
  // The queue comes longest-waiting first, as the server orders it (page after page): the customer who has waited
  // longest is the one to see, not the newest; read 200 at a time, as the queue board reads it.
  const queue = applied.stage === 'queued' && applied.status !== 'closed';
  const list = usePaged((cursor) => api<{ conversations: ConversationSummary[]; nextCursor?: string }>('GET', `/api/conversations${query({ ...applied, team: teamNamed(applied.team), cursor, limit: queue ? 200 : 50 })}`)
    .then(({ conversations: items, nextCursor }) => ({ items, ...(nextCursor ? { nextCursor } : {}) })), [applied]);
  const refresh = useMemo(() => debounce(list.first.reload, 500), []);
  useEffect(() => refresh.cancel, []);
  useLive('conversation', refresh);
  const set = (key: keyof typeof filters) => (event: Event) => setFilters({ ...filters, [key]: (event.currentTarget as HTMLInputElement).value });
  return (
    <div>
      <h1>{t('conversationsTitle')}</h1>
      <form class="filters" onSubmit={(event) => { event.preventDefault(); setApplied({ ...filters }); }}>
        <input type="search" aria-label={t('search')} placeholder={t('searchConversations')} value={filters.q} onInput={set('q')} />
        <label>{t('status')} <select value={filters.status} onChange={set('status')}>
          <option value="">{t('any')}</option><option value="open">{t('open')}</option><option value="closed">{t('closed')}</option>
        </select></label>
        <label>{t('stage')} <select value={filters.stage} onChange={set('stage')}>
          <option value="">{t('any')}</option><option value="bot">{t('stageBot')}</option><option value="queued">{t('stageQueued')}</option><option value="assigned">{t('stageAssigned')}</option>
        </select></label>
        <label>{t('team')} <input value={filters.team} onInput={set('team')} size={10} /></label>
        <button type="submit">{t('search')}</button>
      </form>
      <Loading loaded={list.first}>
        {() => (
          <>
            {list.items.length === 0 ? <p class="muted">{t('noConversations')}</p> : <ConversationRows conversations={list.items} />}
            {list.moreError ? <Notice kind="error">{list.moreError}</Notice> : null}
            {list.cursor ? <button type="button" class="secondary" onClick={list.more}>{t('loadMore')}</button> : null}
          </>
        )}
      </Loading>
    </div>
  );
}

const EVENTS: Record<string, StringKey> = {
  opened: 'evOpened', classified: 'evClassified', queued: 'evQueued', assigned: 'evAssigned', transferred: 'evTransferred', closed: 'evClosed', 'sent again': 'evSentAgain', blocked: 'evBlocked', unblocked: 'evUnblocked',
  'handed back': 'evHandedBack', handed_back: 'evHandedBack', handback: 'evHandedBack',
};

/** A lifecycle event's name in the admin's language; one this dashboard does not know, as the server names it. */
function eventLabel(type: string): string {
  const key = EVENTS[type.replace(/^conversation\./, '')];
  return key ? t(key) : type;
}

const BY: Record<NonNullable<TimelineEvent['by']>['kind'], StringKey> = {
  customer: 'byCustomer', agent: 'byAgent', admin: 'byAdmin', bot: 'byBot', inactivity: 'byInactivity', workflow: 'byWorkflow',
};

/** What a moment's detail says, in the admin's language where the server took it apart; else as the server wrote it. */
function EventDetail({ event }: { event: TimelineEvent }) {
  const parts = [
    // Where a transfer went: a team (by its title) or a colleague.
    event.to !== undefined ? <bdi>{t('evTo', { to: teamShown(event.to) })}</bdi> : undefined,
    event.team !== undefined ? <TeamName name={event.team} /> : event.agent !== undefined ? <bdi>{event.agent}</bdi> : event.intent !== undefined ? <Intent intent={event.intent} topic={event.topic} /> : undefined,
    // Nobody's move: whose it was, and why it went (the customer waited too long for that agent).
    event.from !== undefined && event.because !== undefined
      ? <bdi>{t(event.because === 'away' ? 'evFromAway' : event.because === 'unreachable' ? 'evFromUnreachable' : 'evFromUnanswered', { agent: event.from })}</bdi>
      : event.by ? <bdi>{event.by.name !== undefined ? t(event.by.kind === 'admin' ? 'byAdminNamed' : 'byNamed', { name: event.by.name }) : t(BY[event.by.kind])}</bdi> : undefined,
  ].filter((part) => part !== undefined);
  if (parts.length > 0) return <> · {parts.flatMap((part, index) => (index > 0 ? [' · ', part] : [part]))}</>;
  if (event.detail === undefined) return null;
  return <> · <bdi lang="en" dir="ltr">{typeof event.detail === 'string' ? event.detail : JSON.stringify(event.detail)}</bdi></>;
}

/**
 * An intent as the admin reads it: the title of the route that sets it, in their language, with the intent's id in
 * brackets (under the pointer only, when the title says no more); the id alone when no route titles it.
 */
function Intent({ intent, topic }: { intent: string; topic?: string | undefined }) {
  if (topic === undefined) return <bdi translate={false}>{intent}</bdi>;
  if (topic.toLowerCase() === intent.toLowerCase()) return <bdi title={intent}>{topic}</bdi>;
  return <span><bdi>{topic}</bdi> <span class="muted">(<bdi translate={false}>{intent}</bdi>)</span></span>;
}

const FROM: Record<string, StringKey> = { contact: 'fromContact', bot: 'fromBot', agent: 'fromAgent', note: 'fromNote' };

/** Who a message is from, as its head says: someone at the business in its own app said as the console says it. */
function fromWhom(role: string, message: TranscriptMessage, channel: string): string {
  if (message.inApp) return t(channel.startsWith('whatsapp') ? 'fromBusinessPhone' : 'fromBusinessApp');
  return t(FROM[role] ?? 'fromBot');
}

/**
 * Send again under a reply of an agent's that did not reach the customer: it goes once more as that agent's reply, once
 * (the server refuses a second, and while nothing would reach the customer, saying why).
 */
function SendAgain({ conversationId, message, onSent }: { conversationId: string; message: TranscriptMessage; onSent: (said: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const press = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<{ message?: string }>('POST', `/api/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(String(message.id))}/again`);
      onSent(answer.message || t('done'));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="send-again">
      <button type="button" class="secondary" disabled={busy} title={t('sendAgainTitle', { agent: message.agentName ?? message.agentId ?? '' })} onClick={() => void press()}>{t('sendAgain')}</button>
      {error ? <Notice kind="error">{error}</Notice> : null}
    </div>
  );
}

/**
 * Whether Send again is offered under `message`: an agent's text reply that failed, not sent again yet, in an open
 * conversation, and one the server would not refuse (nothing reaching the customer, its writer gone: it says why instead, `notAgain`).
 */
function offersSendAgain(message: TranscriptMessage, open: boolean): boolean {
  return open && message.from === 'agent' && message.direction === 'out' && (message.delivery ?? message.status) === 'failed' && !message.sentAgain && !message.inApp && message.notAgain === undefined
    && message.agentId !== undefined && message.text !== '' && !message.attachments?.length && message.event === undefined;
}

function Message({ message, channel, sendAgain }: { message: TranscriptMessage; channel: string; sendAgain?: { conversationId: string; onSent: (said: string) => void } | undefined }) {
  const role = message.from === 'note' ? 'note' : message.direction === 'in' || message.from === 'contact' ? 'contact' : message.from === 'agent' ? 'agent' : 'bot';
  const delivery = message.delivery ?? message.status;
  // Why it failed in the admin's words when the channel could tell; else the channel's own (English), set apart.
  const failure = failureWords(message.failure);
  // A note says who wrote it (an admin by the name they signed in with, or an agent); a reply, which agent.
  const who = role === 'note' ? message.author ?? message.agentName ?? message.agentId : role !== 'contact' && message.agentId ? message.agentName ?? message.agentId : undefined;
  return (
    <li class={`message ${role}`} data-from={message.from}>
      <div class="message-head">
        <strong title={message.inApp ? t('fromBusinessTitle') : undefined}>{fromWhom(role, message, channel)}</strong>
        {who ? <span class="muted author"> · <bdi>{who}</bdi></span> : null}
        <span class="muted"> · {when(message.at)}</span>
        {message.late ? <span class="muted late"> · {t('lateButton')}</span> : null}
      </div>
      {message.text ? <p class="text" dir="auto" translate={false}><Styled text={message.text} styles={message.styles} /></p> : null}
      {message.attachments?.length ? (
        <ul class="attachments">
          {message.attachments.map((attachment) => {
            const href = safeUrl(attachment.url);
            const label = attachment.name ?? `${t('attachment')} (${attachmentKind(attachment.kind)})`;
            return (
              <li>
                {href && attachment.kind === 'image' ? <a href={href} target="_blank" rel="noopener noreferrer"><img src={href} alt={label} loading="lazy" /></a> : null}
                {href ? <a href={href} target="_blank" rel="noopener noreferrer">{label}</a> : <span>{label}</span>}
                {attachment.mime ? <span class="muted"> · <bdi dir="ltr" translate={false}>{attachment.mime}</bdi></span> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {role === 'contact' && message.teach && message.text && message.unsupported === undefined && message.event === undefined && !message.late ? <TeachIntent text={message.text} messageId={message.id} /> : null}
      {delivery || message.error ? (
        <div class={`delivery ${delivery === 'failed' ? 'failed' : ''}`}>
          {t('delivery')}: {delivery ? deliveryWord(delivery) : t('failed')}{failure !== undefined ? ` (${failure})` : message.error ? <> (<TheirWords text={message.error} />)</> : null}
        </div>
      ) : null}
      {sendAgain ? <SendAgain conversationId={sendAgain.conversationId} message={message} onSent={sendAgain.onSent} /> : null}
      {message.notAgain !== undefined ? <p class="muted not-again">{message.notAgain[lang()]}</p> : null}
    </li>
  );
}

/**
 * What a channel or the server said in English, set apart as the agent console sets it: isolated and marked as
 * English, left to right; on an Arabic page, quoted as well («…»), so that it reads as theirs inside the sentence.
 */
function TheirWords({ text }: { text: string }) {
  const words = <bdi lang="en" dir="ltr">{text}</bdi>;
  return lang() === 'ar' ? <>«{words}»</> : words;
}

function Actions({ transcript, onDone }: { transcript: Transcript; onDone: (summary: ConversationSummary | undefined, message: string) => void }) {
  const { conversation } = transcript;
  const [note, setNote] = useState('');
  const [closingNote, setClosingNote] = useState('');
  const [shareNote, setShareNote] = useState(false);
  const [target, setTarget] = useState({ kind: 'team' as 'team' | 'agent', value: '' });
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [askingClose, setAskingClose] = useState(false);
  const agents = useLoad(() => api<{ agents: Agent[] }>('GET', '/api/agents'), []);
  const teams = [...new Set((agents.data?.agents ?? []).flatMap((agent) => agent.teams))].sort();
  const act = async (action: string, body: Record<string, unknown>, after?: () => void) => {
    setBusy(true);
    setError(undefined);
    try {
      // In the admin's time zone, as Reports: a refusal's "closed … at 05:41" is their clock's.
      const answer = await api<{ conversation: ConversationSummary; message?: string }>('POST', `/api/conversations/${encodeURIComponent(String(conversation.id))}/${action}${query({ tz: timeZone() })}`, body);
      after?.();
      onDone(answer.conversation, answer.message || t('done'));
    } catch (failure) {
      setError(failure instanceof ApiError ? errorMessage(failure) : String(failure));
    } finally {
      setBusy(false);
    }
  };
  const open = conversation.status === 'open';
  // Who this screen shows holding it: a transfer, a hand back or a close is refused if an agent took it (or let it go) since.
  const shownHolder = conversation.stage === 'assigned' ? conversation.agentId ?? null : null;
  return (
    <div class="actions">
      {error ? <Notice kind="error">{error}</Notice> : null}
      <form class="action" onSubmit={(event) => { event.preventDefault(); void act('note', { text: note }, () => setNote('')); }}>
        <label for="note-text">{t('note')}</label>
        <textarea id="note-text" rows={2} placeholder={t('notePlaceholder')} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        <button type="submit" disabled={busy || !note.trim()}>{t('addNote')}</button>
      </form>
      {open ? (
        <>
          <form class="action" onSubmit={(event) => { event.preventDefault(); void act('transfer', { ...(target.kind === 'team' ? { team: teamNamed(target.value) } : { agentId: target.value }), holder: shownHolder }); }}>
            <label for="transfer-to">{t('transferTo')}</label>
            <div class="inline">
              <select aria-label={t('transferTo')} value={target.kind} onChange={(e) => setTarget({ kind: e.currentTarget.value as 'team' | 'agent', value: '' })}>
                <option value="team">{t('toTeam')}</option>
                <option value="agent">{t('toAgent')}</option>
              </select>
              {target.kind === 'team' ? (
                <>
                  <input id="transfer-to" list="team-names" value={target.value} onInput={(e) => setTarget({ ...target, value: e.currentTarget.value })} />
                  <datalist id="team-names">{teams.map((team) => <option value={teamShown(team)} />)}</datalist>
                </>
              ) : (
                <select id="transfer-to" value={target.value} onChange={(e) => setTarget({ ...target, value: e.currentTarget.value })}>
                  <option value="" />
                  {(agents.data?.agents ?? []).map((agent) => <option value={agent.id}>{named(agent.name)} ({t(agent.status === 'offline' ? 'offlineStatus' : agent.status)})</option>)}
                </select>
              )}
              <button type="submit" disabled={busy || !target.value.trim()}>{t('transfer')}</button>
            </div>
          </form>
          {conversation.stage !== 'bot' ? (
            <div class="action">
              <button type="button" class="secondary" disabled={busy || conversation.noHandBack !== undefined} aria-describedby={conversation.noHandBack ? 'no-hand-back' : undefined}
                onClick={() => act('handback', { holder: shownHolder })}>{t('handBack')}</button>
              {conversation.noHandBack ? <p id="no-hand-back" class="muted">{conversation.noHandBack[lang()]}</p> : null}
            </div>
          ) : null}
          {/* Closing ends the customer's conversation: it is asked first, Enter in the note included. */}
          <form class="action" onSubmit={(event) => { event.preventDefault(); setAskingClose(true); }}>
            <label for="closing-note">{t('closingNote')}</label>
            <input id="closing-note" value={closingNote} onInput={(e) => setClosingNote(e.currentTarget.value)} />
            <label class="check"><input type="checkbox" checked={shareNote} onChange={(e) => setShareNote(e.currentTarget.checked)} /> {t('shareNote')}</label>
            <ConfirmButton danger label={t('closeConversation')} question={t('confirmClose', { id: String(conversation.id), name: named(transcript.contact?.name || contactName(conversation.contact)) })}
              confirm={t('closeConversation')} disabled={busy} asking={askingClose} onAsk={setAskingClose}
              onConfirm={() => act('close', { ...(closingNote.trim() ? { note: closingNote.trim(), shareNote } : {}), seen: newestShown(transcript), holder: shownHolder })} />
          </form>
        </>
      ) : null}
    </div>
  );
}

/** The newest message id the transcript shows: a close says it, and is refused when the customer wrote since. */
function newestShown(transcript: Transcript): number {
  return transcript.messages.reduce((newest, message) => Math.max(newest, Number(message.id) || 0), 0);
}

/** The flow a conversation runs on, with its version and step when the API says them. */
function flowLabel(flow: Transcript['conversation']['flow']): string {
  if (!flow) return t('none');
  if (typeof flow === 'string') return flow;
  return [flow.name, flow.version ? `(${flow.version})` : '', flow.step !== undefined && !flow.done ? `· ${stepLabel(flow.step)}` : ''].filter(Boolean).join(' ');
}

/** A step as people count them: the API's index 0 is step 1; a step named by its id keeps its name. */
function stepLabel(step: number | string): string {
  return t('flowStep', { step: typeof step === 'number' ? step + 1 : step });
}

export function ConversationDetail({ id }: { id: string }) {
  const transcript = useLoad(() => api<Transcript>('GET', `/api/conversations/${encodeURIComponent(id)}`), [id]);
  useTeamTitles();
  const [done, setDone] = useState<string | undefined>();
  const refresh = useMemo(() => debounce(transcript.reload, 300), []);
  useEffect(() => refresh.cancel, []);
  useLive('conversation', (data) => {
    if (String(data.id) === id) refresh();
  });
  // The server words the fields' labels and the route's title in the dashboard's language.
  useEffect(() => onLangChange(transcript.reload), []);
  return (
    <div class="transcript-page">
      <p><a href="#/conversations">{back()} {t('conversationsTitle')}</a></p>
      <Loading loaded={transcript}>
        {(data) => {
          const { conversation } = data;
          const contact = data.contact ?? { id: conversation.contact.id, ...(conversation.contact.name ? { name: conversation.contact.name } : {}) };
          return (
            <>
              <h1>{t('conversation', { id: String(conversation.id) })} · <bdi class="who">{contact.name || contactName(conversation.contact)}</bdi></h1>
              {done ? <Notice kind="ok">{done}</Notice> : null}
              <div class="transcript-layout">
                <section class="transcript" aria-label={t('transcript')}>
                  <h2>{t('transcript')}</h2>
                  <ul class="messages">{data.messages.map((message) => (
                    <Message message={message} channel={conversation.channel}
                      sendAgain={offersSendAgain(message, conversation.status === 'open') ? { conversationId: String(conversation.id), onSent: (said) => { setDone(said); transcript.reload(); } } : undefined} />
                  ))}</ul>
                </section>
                <aside>
                  <section class="details" aria-label={t('details')}>
                    <h2>{t('details')}</h2>
                    <dl>
                      <dt>{t('status')}</dt><dd class="stage">{stageLabel(conversation)}</dd>
                      <dt>{t('team')}</dt><dd class="team">{conversation.team !== undefined ? <TeamName name={conversation.team} /> : <bdi>{t('none')}</bdi>}</dd>
                      <dt>{t('agent')}</dt><dd><bdi>{conversation.agentName ?? conversation.agentId ?? t('none')}</bdi></dd>
                      <dt>{t('channel')}</dt><dd>{channelName(conversation.app ?? conversation.channel)}</dd>
                      <dt>{t('intent')}</dt><dd class="intent">{conversation.intent !== undefined ? <Intent intent={conversation.intent} topic={conversation.topic} /> : t('none')}</dd>
                      <dt>{t('flow')}</dt><dd class="flow">{flowLabel(conversation.flow)}</dd>
                      <dt>{t('openedAt')}</dt><dd>{when(conversation.openedAt)}</dd>
                      {conversation.closedAt ? <><dt>{t('closedAt')}</dt><dd>{when(conversation.closedAt)}</dd></> : null}
                      {conversation.closingNote ? <><dt>{t('closingNote')}</dt><dd class="closing-note" dir="auto"><Styled text={conversation.closingNote} styles={conversation.closingNoteStyles} /></dd></> : null}
                      {inQueue(conversation) ? <><dt>{t('waiting')}</dt><dd class="waiting"><Waited conversation={conversation} words={(time) => time} /></dd></> : null}
                    </dl>
                    <p><a href={`#/contacts/${encodeURIComponent(contact.id)}`}>{t('navContacts')}: <bdi>{contactName(contact)}</bdi></a></p>
                    {(conversation.shown ?? []).length > 0 ? (
                      <>
                        <h3>{t('fields')}</h3>
                        <dl class="fields">{(conversation.shown ?? []).map(({ key, label, value }) => <><dt><bdi translate={false}>{label ?? key}</bdi></dt><dd dir="auto" translate={false}>{String(value)}</dd></>)}</dl>
                      </>
                    ) : null}
                  </section>
                  <Actions transcript={data} onDone={(_summary, message) => { setDone(message); transcript.reload(); }} />
                  <section class="events" aria-label={t('events')}>
                    <h2>{t('events')}</h2>
                    <ol>{data.events.map((event) => <li><span class="muted">{when(event.at)}</span> {eventLabel(event.type)}<EventDetail event={event} /></li>)}</ol>
                  </section>
                </aside>
              </div>
            </>
          );
        }}
      </Loading>
    </div>
  );
}

/** A message's delivery status in the dashboard's language. */
function deliveryWord(status: string): string {
  const key = ({ pending: 'deliveryPending', sending: 'deliverySending', sent: 'deliverySent', delivered: 'deliveryDelivered', read: 'deliveryRead', failed: 'failed' } as const)[status];
  return key ? t(key) : status;
}

const KINDS: Record<string, StringKey> = {
  image: 'kindImage', audio: 'kindAudio', video: 'kindVideo', document: 'kindDocument', sticker: 'kindSticker', location: 'kindLocation', contact: 'kindContact',
};

/** What kind of attachment it is, in the dashboard's language; a kind it does not know, as the server names it. */
function attachmentKind(kind: string): string {
  const key = KINDS[kind];
  return key ? t(key) : kind;
}
