// A customer writing at the moment their agent passes them on: their message reaches the agent who has them then,
// or is on the card of the colleague who gets them; never only the agent who no longer has them. The moment is
// placed, not slept for: the transfer's transaction waits, after reading the messages its card shows, while the
// customer's message is taken, then goes on.
import { afterEach, expect, it } from 'vitest';
import type { Store, Tx } from '../../src/store/types.ts';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from './harness.ts';

afterEach(cleanupDirs);

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - assign: { team: Billing }
    queued: "You are number {{queue.position}} in line."
`;

const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
  - name: Sara
    telegram: 9002
    teams: [Billing]
`;

/** The store, whose transactions' reads of recent messages wait, once `hold` is armed, until it is released. */
function heldAtRecentMessages() {
  let armed = false;
  let reached: () => void = () => {};
  let release: () => void = () => {};
  const hold = {
    reached: new Promise<void>((resolve) => (reached = resolve)),
    released: new Promise<void>((resolve) => (release = resolve)),
    arm: () => (armed = true),
    release: () => release(),
  };
  const wrap = (store: Store): Store => new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== 'transaction') return (value as Function).bind(target);
      return (key: string, work: (tx: Tx) => Promise<unknown>, options?: unknown) => (value as Function).call(target, key, (tx: Tx) => work(new Proxy(tx, {
        get(inner, name) {
          const method = Reflect.get(inner, name, inner) as unknown;
          if (name !== 'recentMessages' || typeof method !== 'function') return typeof method === 'function' ? (method as Function).bind(inner) : method;
          return async (...args: unknown[]) => {
            const read = await (method as Function).apply(inner, args);
            if (!armed) return read;
            armed = false;
            reached();
            await hold.released;
            return read;
          };
        },
      })), options);
    },
  });
  return { hold, wrap };
}

it('puts a message the customer wrote as their agent passed them on on the colleague\'s card, when it reached the agent who had them', async () => {
  const customers = fakeChannel('webchat');
  const agents = fakeChannel('telegram');
  const { hold, wrap } = heldAtRecentMessages();
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, team);
  const h = await harness(dir, [customers, agents], { wrapStore: wrap });
  const omar = (text: string) => h.runtime.deliver({ channel: 'telegram', id: `omar-${text}`, from: { id: '9001', name: 'Omar' }, text, at: new Date().toISOString() });
  await omar('/online');
  await h.send('webchat', 'layla', 'My invoice is wrong', { from: { id: 'layla', name: 'Layla' } });
  expect(agents.textsTo('9001').some((text) => text?.startsWith('#1 · new conversation'))).toBe(true);
  await h.send('telegram', '9002', '/online', { from: { id: '9002', name: 'Sara' } });

  // Omar's /transfer reads the messages for Sara's card and waits there; Layla's next message is taken meanwhile.
  hold.arm();
  const transfer = omar('/transfer 1 Sara');
  await hold.reached;
  await h.send('webchat', 'layla', 'It was charged twice', { from: { id: 'layla', name: 'Layla' } });
  hold.release();
  await transfer;
  await h.outbox.drain();

  const toSara = agents.textsTo('9002');
  const card = toSara.find((text) => text?.startsWith('#1 · passed on by Omar')) ?? '';
  const relayedToOmar = agents.textsTo('9001').includes('#1 Layla: It was charged twice');
  // Before: relayed to Omar, whose it was as it came, and not on the card Sara got, built before it was stored:
  // Sara never read it.
  expect(card.includes('It was charged twice') || toSara.includes('#1 Layla: It was charged twice'), JSON.stringify({ toSara, relayedToOmar })).toBe(true);
  expect(await h.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'sara' });
  await h.close();
}, 30_000);

it('puts a message the customer wrote in the queue as an agent claimed them on the card, or relays it', async () => {
  const customers = fakeChannel('webchat');
  const agents = fakeChannel('telegram');
  const { hold, wrap } = heldAtRecentMessages();
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, team);
  const h = await harness(dir, [customers, agents], { wrapStore: wrap });
  const omar = (text: string) => h.runtime.deliver({ channel: 'telegram', id: `omar-${text}`, from: { id: '9001', name: 'Omar' }, text, at: new Date().toISOString() });
  await h.send('webchat', 'layla', 'My invoice is wrong', { from: { id: 'layla', name: 'Layla' } });
  expect(await h.store.conversation(1)).toMatchObject({ stage: 'queued' });

  hold.arm();
  const claim = omar('/claim 1');
  await hold.reached;
  await h.send('webchat', 'layla', 'It was charged twice', { from: { id: 'layla', name: 'Layla' } });
  hold.release();
  await claim;
  await h.outbox.drain();

  const toOmar = agents.textsTo('9001');
  const card = toOmar.find((text) => text?.startsWith('#1 · ')) ?? '';
  expect(card.includes('It was charged twice') || toOmar.includes('#1 Layla: It was charged twice'), JSON.stringify(toOmar)).toBe(true);
  await h.close();
}, 30_000);
