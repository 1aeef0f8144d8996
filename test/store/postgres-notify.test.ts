// The fan-out between processes on PostgreSQL (LISTEN/NOTIFY): a notice reaches the other processes and not its
// publisher, nothing crosses from another schema, and a lost listening connection is made again and says so.
import { afterAll, expect, it } from 'vitest';
import { PostgresFanout } from '../../src/store/postgres/notify.ts';
import { DatabaseLink } from './postgres-link.ts';
import { databaseUrl, freshSchema } from './postgres-helpers.ts';

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const each of opened.reverse()) await each.close();
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it.skipIf(!databaseUrl)('tells the other processes of the same schema, listens again after its connection is lost, and says so', async () => {
  const schema = freshSchema();
  const link = await DatabaseLink.open(databaseUrl!);
  opened.push(link);
  const database = new URL(databaseUrl!).pathname.slice(1) || 'postgres';
  const a = await PostgresFanout.open({ url: link.url(database), schema });
  const b = await PostgresFanout.open({ url: databaseUrl!, schema });
  const other = await PostgresFanout.open({ url: databaseUrl!, schema: freshSchema() });
  opened.push(a, b, other);
  const heardA: unknown[] = [];
  const heardB: unknown[] = [];
  const heardOther: unknown[] = [];
  let reconnected = 0;
  a.subscribe('webchat', (data) => heardA.push(data), { reconnected: () => reconnected++ });
  b.subscribe('webchat', (data) => heardB.push(data));
  other.subscribe('webchat', (data) => heardOther.push(data));

  a.publish('webchat', { session: 's1' });
  await until(() => heardB.length === 1, 'b hearing a');
  expect(heardB).toEqual([{ session: 's1' }]);

  link.cut();
  await new Promise((resolve) => setTimeout(resolve, 300));
  link.mend();
  await until(() => reconnected === 1, 'a listening again');
  b.publish('webchat', { session: 's2' });
  await until(() => heardA.length === 1, 'a hearing b after it listened again');
  expect(heardA).toEqual([{ session: 's2' }]);
  // Its own notice is not told back to a publisher; another schema hears nothing. A's notice may have come twice: cut
  // before PostgreSQL's answer reached a, it was sent again once a was back (at least once, never lost).
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(heardB.length).toBeGreaterThanOrEqual(1);
  expect(heardB.filter((data) => JSON.stringify(data) !== JSON.stringify({ session: 's1' }))).toEqual([]);
  expect(heardOther).toEqual([]);
}, 30_000);

it.skipIf(!databaseUrl)('sends the notices of a burst together, in order, and those published just before closing too', async () => {
  const schema = freshSchema();
  const a = await PostgresFanout.open({ url: databaseUrl!, schema });
  const b = await PostgresFanout.open({ url: databaseUrl!, schema });
  opened.push(b);
  const heard: unknown[] = [];
  b.subscribe('inbox', (data) => heard.push(data));
  for (let i = 1; i <= 50; i++) a.publish('inbox', { n: i });
  // Closing right after publishing (a process stopping after its last commit) still sends them.
  await a.close();
  await until(() => heard.length === 50, 'b hearing the 50 notices');
  expect(heard).toEqual(Array.from({ length: 50 }, (_, i) => ({ n: i + 1 })));
}, 30_000);
