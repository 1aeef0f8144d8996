// What a flow's removal (`DELETE /api/flows/:name`, src/flows/removals.ts) leans on in PostgreSQL: a customer's start
// of that flow on another process that read the mark as off, while the whole removal ran (marked, counted, the file
// gone, the mark taken off again) before its commit, is run again by the store, the mark having changed under it
// even though it reads as off at both ends; run again, it finds the file gone and starts no flow.
import { afterAll, expect, it } from 'vitest';
import { beingRemoved, whileRemoving } from '../../src/flows/removals.ts';
import type { PostgresStore } from '../../src/store/postgres/store.ts';
import { databaseUrl, dropSchema, freshSchema, openPostgres, skipReason } from './postgres-helpers.ts';

const schema = freshSchema();
const stores: PostgresStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  if (databaseUrl) await dropSchema(schema);
});

it.skipIf(!databaseUrl)(`runs again a start that read the flow in service while a whole removal ran on another process${databaseUrl ? '' : ` (${skipReason})`}`, async () => {
  const starting = await openPostgres(schema);
  stores.push(starting);
  const removing = await openPostgres(schema);
  stores.push(removing);
  const now = new Date();
  // A first removal long done (the flow put back since).
  await whileRemoving(removing, 'greeting', now, async () => undefined);

  let fileThere = true;
  const attempts: { going: boolean; fileThere: boolean }[] = [];
  await starting.transaction('contact:layla', async (tx) => {
    const going = await beingRemoved(tx, 'greeting', now);
    // The other process removes the flow, from start to end, between this read and this commit (the first time only).
    if (attempts.length === 0) await whileRemoving(removing, 'greeting', now, async () => { fileThere = false; });
    attempts.push({ going, fileThere });
    tx.putDoc('starts', 'layla', { started: !going && fileThere });
  });
  // The start was run again and found the file gone: no flow started.
  expect(attempts).toEqual([{ going: false, fileThere: false }, { going: false, fileThere: false }]);
  expect(await starting.doc('starts', 'layla')).toEqual({ started: false });
});

it.skipIf(!databaseUrl)(`runs again a start that read the flow in service before its first removal ever${databaseUrl ? '' : ` (${skipReason})`}`, async () => {
  const starting = stores[0] ?? await openPostgres(schema);
  const removing = stores[1] ?? await openPostgres(schema);
  const now = new Date();
  let fileThere = true;
  const attempts: boolean[] = [];
  await starting.transaction('contact:sam', async (tx) => {
    const going = await beingRemoved(tx, 'faq', now);
    if (attempts.length === 0) await whileRemoving(removing, 'faq', now, async () => { fileThere = false; });
    attempts.push(fileThere);
    tx.putDoc('starts', 'sam', { started: !going && fileThere });
  });
  expect(attempts).toHaveLength(2);
  expect(await starting.doc('starts', 'sam')).toEqual({ started: false });
});
