// What the contract suite runs on: a factory of fresh stores, and the per-test bookkeeping that closes and removes them.
import { afterEach } from 'vitest';
import type { Store } from '../../../src/store/types.ts';

/** A store made for one test, open on empty data. */
export interface StoreUnderTest {
  store: Store;
  /** Closes the store and opens it again on the same data (a restart); the store returned is the one from then on. */
  reopen(): Promise<Store>;
  /** Removes the store's data; called once the suite closed the store. */
  cleanup?(): Promise<void>;
}

/**
 * Makes the stores the contract suite tests: one factory per implementation (and configuration).
 *
 *     const factory: StoreFactory = { create: async () => ({ store, reopen: () => reopenOnSameData(), cleanup }) };
 *     storeContract('PostgresStore', factory);
 */
export interface StoreFactory {
  create(): Promise<StoreUnderTest>;
}

/** Opens a fresh store for the running test; the suite closes it (whichever reopen made last) after the test. */
export type OpenStore = () => Promise<StoreUnderTest>;

/** Hands the tests of a `describe` fresh stores from `factory`, and closes and removes every one after each test. */
export function useStores(factory: StoreFactory): OpenStore {
  const made: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dispose) => dispose()));
  });
  return async () => {
    const created = await factory.create();
    let current = created.store;
    made.push(async () => {
      await current.close();
      await created.cleanup?.();
    });
    return {
      store: current,
      reopen: async () => (current = await created.reopen()),
    };
  };
}
