// Test helpers for the handover module: agents and conversations from a few fields, a log that keeps its
// lines, and a temp folder for team.yaml.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation } from '../../src/store/types.ts';
import { agentId, type Agent } from '../../src/handover/team.ts';

/** An agent called `name` in `teams`, with a web chat session and `maxOpen` 3 unless given. */
export function agent(name: string, teams: string[], extra: Partial<Agent> = {}): Agent {
  const id = agentId(name);
  return { id, name, identities: [{ channel: 'webchat', id: `agent-${id}` }], teams, maxOpen: 3, ...extra };
}

/** An open conversation with the bot, opened at 09:00 on 2025-03-03 (UTC) unless given. */
export function conversation(id: number, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    contactId: `c${id}`,
    channel: 'webchat',
    status: 'open',
    stage: 'bot',
    fields: {},
    source: 'contact',
    openedAt: '2025-03-03T09:00:00.000Z',
    ...extra,
  };
}

/** A conversation waiting in `team`'s queue since `queuedAt`. */
export function queued(id: number, team: string, queuedAt: string, extra: Partial<Conversation> = {}): Conversation {
  return conversation(id, { stage: 'queued', team, queuedAt, ...extra });
}

export { eventually, memoryLog } from '../helpers.ts';

/** A temp folder; `remove` deletes it. */
export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-team-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
