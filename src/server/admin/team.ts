// `/api/team` (team.yaml: read, and publish with the loader's own validation and a version check, answered once the
// customers waiting for the room it gave are seated) and `/api/agents` (each agent's live status, why they are away,
// and load).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { replaceFile } from '../../shared/replace-file.ts';
import type { Router } from 'express';
import { z } from 'zod';
import type { AgentState } from '../../handover/agent-state.ts';
import { emptiedError, parseTeamFile } from '../../handover/team-file.ts';
import { exclusively } from '../../flows/publishing.ts';
import { place } from '../../shared/file-error.ts';
import { versionOf } from '../../flows/versions.ts';
import type { RoomGiving } from '../../bot/runtime.ts';
import { nameOf } from './auth.ts';
import { badRequest, publishedJson, tooLarge, type AdminContext } from './context.ts';

/** The largest team.yaml, in bytes (UTF-8). */
const MAX_SOURCE = 256 * 1024;
/**
 * How long a save waits for the customers it seats to be told before it answers: the file is saved whatever happens
 * to the seating, which the periodic check finishes if it fails.
 */
const SEATING_WAIT_MS = 5_000;
const publishBody = z.object({ source: z.string(), baseVersion: z.string().nullable().optional() }).strict();

/** Mounts the team and agent routes on the admin router. */
export function mountTeam(router: Router, context: AdminContext): void {
  const { teamFile, directory } = context;
  // One publish at a time, in every process sharing the store: the version check and the write are one step.
  const serialized = <T>(work: () => Promise<T>): Promise<T> => exclusively(context.store, 'team', work);

  const current = async (): Promise<string | undefined> => {
    try {
      return await readFile(teamFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };

  router.get('/team', async (_req, res) => {
    const source = await current();
    res.json({ version: source === undefined ? null : versionOf(source), source: source ?? '' });
  });

  router.put('/team', publishedJson('team.yaml', MAX_SOURCE), async (req, res) => {
    const body = publishBody.safeParse(req.body);
    if (!body.success) return void badRequest(res, body.error, 422);
    if (tooLarge(res, 'team.yaml', body.data.source, MAX_SOURCE)) return;
    const { source, baseVersion = null } = body.data;
    type Outcome = { conflict: string | null } | { errors: ReturnType<typeof place>[] } | { version: string; room: RoomGiving };
    const outcome = await serialized(async (): Promise<Outcome> => {
      const before = await current();
      const currentVersion = before === undefined ? null : versionOf(before);
      if (currentVersion !== baseVersion) return { conflict: currentVersion };
      const parsed = parseTeamFile(basename(teamFile), source, context.addressKeys);
      if ('errors' in parsed) return { errors: parsed.errors.map((error) => place(error, source)) };
      const emptied = emptiedError(basename(teamFile), source, directory);
      if (emptied) return { errors: [place(emptied, source)] };
      // A team a flow in service hands customers to stays until the flow no longer names it: dropped here, the flow
      // would be refused at its next load and its customers sent to the first team instead.
      const orphaned = context.flows.teamsMissing(parsed.roster.teams.map((team) => team.name));
      if (orphaned.length > 0) {
        return {
          errors: orphaned.map((error) => ({
            line: 1, column: 1, message: `${error.file}:${error.line}:${error.column}: ${error.message} (keep the team, or first publish the flow without it)`,
            ...(error.known ? { known: error.known } : {}),
          })),
        };
      }
      // Watched from before the write: a reload by the file watcher that reads the new file first gives the room.
      const room = await context.roomGivenBy(async () => {
        await replaceFile(teamFile, source);
        await directory.reload();
      });
      return { version: versionOf(source), room };
    });
    // `kind` says what the answer is, for the page that words it in its own language.
    if ('conflict' in outcome) {
      const kind = outcome.conflict === null ? 'removedSince' : 'publishedSince';
      return void res.status(409).json({ error: 'someone changed team.yaml since you opened it; reload it and apply your changes again', kind, currentVersion: outcome.conflict });
    }
    if ('errors' in outcome) return void res.status(422).json({ error: `team.yaml has ${outcome.errors.length === 1 ? '1 error' : `${outcome.errors.length} errors`}; nothing was written`, errors: outcome.errors });
    // Answered once the customers waiting for the agents it gave room are seated and told (bounded, out of the lock):
    // the Team page and the queue read right after show them with their agent, and the admin reads how many.
    const { seated, left } = await outcome.room.within(SEATING_WAIT_MS);
    context.log.info({ version: outcome.version, by: nameOf(res), seated, ...(left ? { seatingLeft: true } : {}) }, 'team.yaml published from the admin API');
    context.feed.publish({ type: 'agents', data: {} });
    context.published?.('team');
    res.json({ version: outcome.version, seated, seatingLeft: left });
  });

  router.get('/agents', async (_req, res) => {
    const states = await context.store.docs<AgentState>('agents');
    // Each agent's load is counted where the store keeps it (an index, a count(*)): copying every open conversation
    // to count them kept the event loop from customers' messages as long as the queues were long.
    const agents = directory.agents();
    const held = await Promise.all(agents.map((agent) => context.store.countOpenConversations({ stage: 'assigned', agentId: agent.id })));
    res.json({
      agents: agents.map((agent, index) => {
        const state = states.get(agent.id);
        return {
          id: agent.id, name: agent.name, teams: agent.teams,
          status: state?.status ?? 'offline', open: held[index]!, maxOpen: agent.maxOpen,
          ...(state?.since ? { statusSince: state.since } : {}),
          ...(state?.status === 'away' ? awayBecause(state, context.consoleAwayAfterMs) : {}),
          // Their addresses nothing reaches any more (blocked, an account gone), and why: see unreachable.ts.
          ...(state?.unreachable ? { unreachable: state.unreachable.map(({ channel, failure, since }) => ({ channel, failure, since })) } : {}),
          ...(state?.lastAssignedAt ? { lastAssignedAt: state.lastAssignedAt } : {}),
        };
      }),
      // How the dashboard names each team in its language (الفواتير for Billing), as agents and customers read them.
      teamTitles: Object.fromEntries(directory.teams().map((team) => [team.name, directory.titled(team.name).perLanguage])),
    });
  });
}

/**
 * Why an agent is away, for the Team page: `noConsole`, set away because no console of theirs was connected for
 * `awayAfterMs` (CONSOLE_AWAY_AFTER); `agent`, they pressed Away or typed /away themselves (the only other way an
 * agent's status changes).
 *
 *     awayBecause({ status: 'away', since, awayBecause: 'noConsole' }, 120_000); // { awayBecause: 'noConsole', awayAfterMs: 120000 }
 */
function awayBecause(state: AgentState, awayAfterMs: number | undefined): { awayBecause: 'noConsole' | 'agent'; awayAfterMs?: number } {
  if (state.awayBecause !== 'noConsole') return { awayBecause: 'agent' };
  return { awayBecause: 'noConsole', ...(awayAfterMs !== undefined ? { awayAfterMs } : {}) };
}
