// The outbox as an operator reads it in the log: while the store cannot be reached (a database restarting, a full
// disk), the replies wait and every kick fails to claim them; the log says so once when it starts and once when
// claims work again (how long, how many tries), not a line per kick; a reply claimed before it went away is
// confirmed again and again, said at the first attempts and then about once a minute.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Outbox } from '../../src/bot/outbox.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { cleanupDirs, dataDirWith, recordingLog } from '../helpers.ts';
import { fakeChannel } from './harness.ts';

afterEach(cleanupDirs);

/** A store whose claims are refused while `away`, as a database out of reach refuses them. */
async function storeThatGoesAway(): Promise<{ store: Store; reach: { away: boolean } }> {
  const store = await openStore({ dir: join(await dataDirWith({}), 'store') });
  const reach = { away: false };
  const claim = store.claimOutbound.bind(store);
  store.claimOutbound = (limit) => (reach.away ? Promise.reject(new StoreUnavailableError('the database is restarting')) : claim(limit));
  return { store, reach };
}

async function reply(store: Store, text: string): Promise<void> {
  await store.transaction('webchat:layla', async (tx) => {
    tx.addMessage({ channel: 'webchat', address: 'layla', direction: 'out', from: 'bot', text, at: new Date().toISOString(), status: 'pending' });
  });
}

it('says once that replies cannot be claimed while the store is away, and once, with how long and how many tries, when they go again', async () => {
  const { store, reach } = await storeThatGoesAway();
  const webchat = fakeChannel('webchat');
  const { log, lines } = recordingLog();
  const outbox = new Outbox({ store, channels: new Map([['webchat', webchat.channel]]), log });
  const claimLines = () => lines.filter((line) => /claim/.test(String(line.msg))).map((line) => ({ level: line.level, msg: line.msg }));

  reach.away = true;
  // Replies stored meanwhile, and the periodic checks: each kicks the outbox, and each claim is refused.
  for (const text of ['Hello Layla!', 'How can we help?', 'Still there?']) {
    await reply(store, text);
    outbox.kick();
    await outbox.drain();
  }
  for (let check = 0; check < 3; check++) {
    outbox.kick();
    await outbox.drain();
  }
  expect(webchat.sent).toEqual([]);
  expect(claimLines()).toEqual([
    { level: 50, msg: 'could not claim outbound messages: they wait in the store, tried again at each new reply and each periodic check (logged again once a claim works)' },
  ]);
  expect(lines.find((line) => /could not claim/.test(String(line.msg)))?.err).toBe('the database is restarting');

  reach.away = false;
  outbox.kick();
  await outbox.drain();
  expect(webchat.textsTo('layla')).toEqual(['Hello Layla!', 'How can we help?', 'Still there?']);
  const back = lines.filter((line) => /claimed again/.test(String(line.msg)));
  expect(back).toEqual([expect.objectContaining({ level: 30, msg: 'outbound messages are claimed again: those waiting are sent now', attempts: 6, error: 'the database is restarting', failedForMs: expect.any(Number) })]);

  // The next outage is said again, once.
  reach.away = true;
  await reply(store, 'Are you there?');
  outbox.kick();
  await outbox.drain();
  outbox.kick();
  await outbox.drain();
  expect(claimLines().map((line) => line.level)).toEqual([50, 30, 50]);

  await outbox.stop();
  await store.close();
});

it('says a claimed reply cannot be confirmed at its first attempts, then about once a minute, not at each of an outage\'s attempts', async () => {
  const { store } = await storeThatGoesAway();
  // A store whose claims another process may take over (PostgreSQL) confirms each before it is sent.
  let refused = 0;
  store.confirmClaim = () => (refused < 30 ? (refused++, Promise.reject(new StoreUnavailableError('the database is restarting'))) : Promise.resolve(true));
  const webchat = fakeChannel('webchat');
  const { log, lines } = recordingLog();
  // Waits of 1 ms between attempts, as the default's last wait (5 s) repeated: twelve of those make a minute.
  const outbox = new Outbox({ store, channels: new Map([['webchat', webchat.channel]]), log, recordDelaysMs: [1, 1] });

  await reply(store, 'Hello Layla!');
  outbox.kick();
  await outbox.drain();
  expect(webchat.textsTo('layla')).toEqual(['Hello Layla!']);
  expect(lines.filter((line) => /could not confirm/.test(String(line.msg))).map((line) => line.attempt)).toEqual([1, 2, 13, 25]);

  await outbox.stop();
  await store.close();
});
