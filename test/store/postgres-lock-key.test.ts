// Advisory lock keys are a wire format between processes: during a rolling upgrade, a process of the old version and
// one of the new must lock a contact under the same key, or both would run its messages at once.
import { describe, expect, it } from 'vitest';
import { lockKey } from '../../src/store/postgres/pool.ts';

describe('advisory lock keys', () => {
  it('are the ones every earlier version took, asked for once or many times', () => {
    // Values taken by the version before the keys were cached (commit 94dc23b).
    const before = { 'key:telegram:42': '-5696294078879207290', 'outbound-claims': '7853953386570194283' };
    for (let round = 0; round < 3; round++) {
      for (const [name, key] of Object.entries(before)) expect(lockKey('switchboard', name)).toBe(key);
    }
    // Another schema is another key, so two deployments sharing a database do not wait for each other.
    expect(lockKey('tenant_b', 'outbound-claims')).not.toBe(before['outbound-claims']);
    // Many keys later (the cache emptied and refilled), the same answers.
    for (let index = 0; index < 25_000; index++) lockKey('switchboard', `key:telegram:${index}`);
    for (const [name, key] of Object.entries(before)) expect(lockKey('switchboard', name)).toBe(key);
  });
});
