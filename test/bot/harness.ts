// A runtime wired to fake channels that record what they are asked to send, over a real store in a temp dir.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Channel, InboundMessage, OutboundMessage } from '../../src/types.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store, TransactionOptions, Tx } from '../../src/store/types.ts';
import { FlowLibrary } from '../../src/flows/index.ts';
import { EventBus } from '../../src/bot/events.ts';
import { Outbox } from '../../src/bot/outbox.ts';
import { Runtime } from '../../src/bot/runtime.ts';
import { TeamDirectory } from '../../src/handover/directory.ts';
import { ADDRESS_KEYS } from '../../src/channels/index.ts';
import type { Fanout } from '../../src/shared/fanout.ts';
import type { Logger } from '../../src/shared/log.ts';
import { dataDirWith, quietLog } from '../helpers.ts';

/** A flow that asks the customer to pick Billing or Support with buttons, then assigns to the team picked. */
export const pickTeamFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices: [Billing, Support]
    save: conversation.topic
  - assign: { team: "{{conversation.topic}}" }
    queued: "You are number {{queue.position}} in line."
`;

/** A channel that records what the bot sends, per recipient, and can be made to fail; `quotes`: it shows `replyTo` as a quote. */
export function fakeChannel(name: string, options: { quotes?: boolean } = {}) {
  const sent: { to: string; message: OutboundMessage; id: string }[] = [];
  let failNext = 0;
  const channel: Channel = {
    name,
    ...(options.quotes ? { quotes: true } : {}),
    async start() {},
    async stop() {},
    async send(to, message) {
      if (failNext > 0) {
        failNext--;
        throw new Error('connection refused');
      }
      const id = `${name}-${sent.length + 1}`;
      sent.push({ to, message, id });
      return id;
    },
  };
  return {
    channel,
    sent,
    failNextSends: (n: number) => (failNext = n),
    textsTo: (to: string) => sent.filter((s) => s.to === to).map((s) => s.message.text),
    /** The channel message id of the last message to `to` whose text matches. */
    idOf: (to: string, pattern: RegExp) => [...sent].reverse().find((s) => s.to === to && pattern.test(s.message.text))?.id,
  };
}

export type FakeChannel = ReturnType<typeof fakeChannel>;

export interface Harness {
  dir: string;
  store: Store;
  flows: FlowLibrary;
  directory: TeamDirectory;
  runtime: Runtime;
  bus: EventBus;
  outbox: Outbox;
  /** Delivers a message and waits for its replies to leave. */
  send(channel: string, from: string, text: string, extra?: Partial<InboundMessage>): Promise<void>;
  close(): Promise<void>;
}

let seq = 0;

/** Starts a runtime over `dir` (a DATA_DIR with flows/ and, optionally, team.yaml). */
export async function harness(
  dir: string, channels: FakeChannel[],
  options: { now?: () => Date; autoCloseAfterMs?: number; botIdleCloseAfterMs?: number; latency?: boolean; templates?: { name: string; language?: string }[]; contactRate?: { capacity: number; perMs: number }; log?: Logger; sweepEveryMs?: number; fanout?: Fanout; longWaitMs?: number; wrapStore?: (store: Store) => Store } = {},
): Promise<Harness> {
  const { latency, log = quietLog, longWaitMs, wrapStore = (store: Store) => store, ...runtimeOptions } = options;
  const opened = await openStore({ dir: join(dir, 'store') });
  const store = wrapStore(latency ? withReadLatency(opened) : opened);
  const flows = await FlowLibrary.load({ dir: join(dir, 'flows'), store, log: quietLog, watch: false });
  const directory = await TeamDirectory.load({ file: join(dir, 'team.yaml'), addressKeys: ADDRESS_KEYS, log: quietLog, watch: false });
  const bus = new EventBus();
  const outbox = new Outbox({ store, channels: new Map(channels.map((fake) => [fake.channel.name, fake.channel])), log: quietLog, retryDelaysMs: [5, 5], ...(options.now ? { now: options.now } : {}), ...(longWaitMs !== undefined ? { longWaitMs } : {}) });
  const runtime = new Runtime({ store, flows, directory, bus, outbox, log, sweepEveryMs: 0, channels: new Map(channels.map((fake) => [fake.channel.name, fake.channel])), ...runtimeOptions });
  await runtime.start();
  const now = options.now ?? (() => new Date());
  return {
    dir, store, flows, directory, runtime, bus, outbox,
    async send(channel, from, text, extra = {}) {
      await runtime.deliver({ channel, id: `m${++seq}`, from: { id: from, name: extra.from?.name ?? 'Layla' }, text, at: now().toISOString(), ...extra });
      await outbox.drain();
    },
    async close() {
      await runtime.stop();
      flows.close();
      directory.close();
      await store.close();
    },
  };
}

/**
 * The store as a database would feel: every read inside a transaction answers after a random 0–2 ms, so
 * transactions of different keys interleave and race as they do over a network.
 */
export function withReadLatency(store: Store): Store {
  const later = <T>(value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), Math.random() * 2));
  const slowTx = (tx: Tx): Tx =>
    new Proxy(tx, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result instanceof Promise ? result.then(later) : result;
        };
      },
    });
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') {
        return <T>(key: string, work: (tx: Tx) => Promise<T>, transactionOptions?: TransactionOptions) =>
          target.transaction(key, (tx) => work(slowTx(tx)), transactionOptions);
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A DATA_DIR with the given flows and team.yaml. */
export async function dataDirWithTeam(flows: Record<string, string>, teamYaml: string): Promise<string> {
  const dir = await dataDirWith(flows);
  await writeFile(join(dir, 'team.yaml'), teamYaml);
  return dir;
}
