// Test helpers for flows: compile a script from a string, and a FlowRun that records what the flow did.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFlow, unknownFields } from '../../src/flows/compile.ts';
import { BUILTIN_FIELDS } from '../../src/flows/fields.ts';
import type { AssignRequest, Classification, CompiledFlow, FlowRun } from '../../src/flows/index.ts';
import { openStore } from '../../src/store/index.ts';
import type { Contact, Conversation, Store } from '../../src/store/types.ts';
import type { OutboundMessage } from '../../src/types.ts';

/** A FlowRun that keeps what the flow said, closed and logged. */
export interface RecordingRun extends FlowRun {
  said: OutboundMessage[];
  closed: (string | undefined)[];
  assigned: AssignRequest[];
  /** What `classify` answers; none set: no model ready. */
  classifier?: (text: string) => Classification | undefined;
  logs: { level: 'info' | 'warn' | 'error'; msg: string; o: object }[];
}

/**
 * Compiles a script on its own; fields it saves, and `known` (as if other flows saved them), count as
 * known. Throws the errors as text.
 */
export function compile(text: string, known: string[] = []): CompiledFlow {
  const result = compileFlow('flows/test.yaml', text);
  if ('errors' in result) throw new Error(result.errors.map(String).join('\n'));
  const errors = unknownFields(result.draft, new Set([...BUILTIN_FIELDS, ...result.draft.flow.saves, ...known]));
  if (errors.length > 0) throw new Error(errors.map(String).join('\n'));
  return result.draft.flow;
}

/** The errors of a script compiled on its own, as `file:line: reason (hint)` lines. */
export function errorsOf(text: string, file = 'flows/test.yaml', extraKnown: string[] = []): string[] {
  const result = compileFlow(file, text);
  if ('errors' in result) return result.errors.map(String);
  return unknownFields(result.draft, new Set([...BUILTIN_FIELDS, ...result.draft.flow.saves, ...extraKnown])).map(String);
}

/** Wraps steps (YAML lines, indented by 2) into a script triggered when a contact opens a conversation. */
export function script(steps: string, name = 'test'): string {
  return `flow: ${name}\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n${steps}`;
}

export function newRun(contact: Partial<Contact> = {}, conversation: Partial<Conversation> = {}): RecordingRun {
  const run: RecordingRun = {
    contact: {
      id: 'c1',
      identities: [{ channel: 'webchat', id: 's1' }],
      fields: {},
      tags: [],
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      ...contact,
    },
    conversation: {
      id: 7,
      contactId: 'c1',
      channel: 'webchat',
      status: 'open',
      stage: 'bot',
      fields: {},
      source: 'contact',
      openedAt: '2025-01-01T00:00:00.000Z',
      ...conversation,
    },
    now: new Date('2025-01-01T00:00:00.000Z'),
    said: [],
    closed: [],
    assigned: [],
    logs: [],
    say: (message) => run.said.push(message),
    close: (note) => run.closed.push(note),
    assign: (request) => run.assigned.push(request),
    classify: (text) => run.classifier?.(text),
    log: {
      info: (o, msg) => run.logs.push({ level: 'info', msg, o }),
      warn: (o, msg) => run.logs.push({ level: 'warn', msg, o }),
      error: (o, msg) => run.logs.push({ level: 'error', msg, o }),
    },
  };
  return run;
}

/** The texts said so far, emptying the list. */
export function takeSaid(run: RecordingRun): string[] {
  return run.said.splice(0).map((message) => message.text);
}

/** A temp folder with `flows/` and an open store (where versions are published) inside; `remove` deletes it. */
export async function tempFlowDirs(): Promise<{ dir: string; store: Store; reopenStore(): Promise<Store>; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'switchboard-flows-'));
  const dir = join(root, 'flows');
  await mkdir(dir);
  const dirs = {
    dir,
    store: await openStore({ dir: join(root, 'store') }) as Store,
    async reopenStore() {
      await dirs.store.close();
      dirs.store = await openStore({ dir: join(root, 'store') });
      return dirs.store;
    },
    async remove() {
      await dirs.store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return dirs;
}

export { eventually, memoryLog } from '../helpers.ts';
