import { describe, expect, it } from 'vitest';
import { onlineOnly } from '../../../src/handover/assignment/online.ts';
import type { AgentStatus } from '../../../src/handover/team.ts';
import { agent } from '../helpers.ts';

const omar = agent('Omar', ['Billing']);
const sara = agent('Sara', ['Billing']);
const lina = agent('Lina', ['Billing']);

describe('onlineOnly', () => {
  it('never offers an away or offline agent', () => {
    const status: Record<string, AgentStatus> = { omar: 'away', sara: 'online', lina: 'offline' };
    expect(onlineOnly([omar, sara, lina], (id) => status[id] ?? 'offline')).toEqual([sara]);
  });

  it('keeps the order of online agents', () => {
    expect(onlineOnly([lina, omar, sara], () => 'online')).toEqual([lina, omar, sara]);
  });

  it('offers nobody when everyone is offline, as agents start', () => {
    expect(onlineOnly([omar, sara], () => 'offline')).toEqual([]);
  });
});
