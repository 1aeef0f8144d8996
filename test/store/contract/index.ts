// The Store contract as one suite, run on every store implementation through a factory of fresh stores.
import { describe } from 'vitest';
import { useStores, type StoreFactory } from './harness.ts';
import { earlyFailures } from './early-failures.ts';
import { erase } from './erase.ts';
import { identity } from './identity.ts';
import { ids } from './ids.ts';
import { invariants } from './invariants.ts';
import { merging } from './merge.ts';
import { outbound } from './outbound.ts';
import { queries } from './queries.ts';
import { transactions } from './transactions.ts';

export type { StoreFactory } from './harness.ts';

/**
 * Declares the contract tests for the stores `factory` makes, under `name`.
 *
 *     storeContract('LowdbStore', lowdb({ compactAfterBytes: 1 }));
 */
export function storeContract(name: string, factory: StoreFactory): void {
  describe(name, () => {
    const open = useStores(factory);
    describe('transactions', () => transactions(open));
    describe('one live object per record', () => identity(open));
    describe('queries', () => queries(open));
    describe('message ids', () => ids(open));
    describe('outbound delivery', () => outbound(open));
    describe('invariants under concurrency', () => invariants(open, name));
    describe('data-protection erase', () => erase(open));
    describe('merging two contacts', () => merging(open));
    describe('failures reported before their send\'s id was stored', () => earlyFailures(open));
  });
}
