import { describe, expect, it } from 'vitest';
import { leastOpen, roundRobin } from '../../../src/handover/assignment/selectors.ts';
import { agent } from '../helpers.ts';

const omar = agent('Omar', ['Support']);
const sara = agent('Sara', ['Support']);
const lina = agent('Lina', ['Support']);
const team = [omar, sara, lina];
const order = team.map((a) => a.id);

describe('roundRobin', () => {
  it('starts with the first agent when nobody was assigned yet', () => {
    expect(roundRobin(team)).toBe(omar);
  });

  it('assigns the agent after the last one assigned', () => {
    expect(roundRobin(team, 'omar')).toBe(sara);
    expect(roundRobin(team, 'sara')).toBe(lina);
  });

  it('wraps round after the last agent in the order', () => {
    expect(roundRobin(team, 'lina')).toBe(omar);
  });

  it('skips agents who are not available, keeping the team order', () => {
    expect(roundRobin([omar, lina], 'omar', order)).toBe(lina);
    expect(roundRobin([omar, sara], 'sara', order)).toBe(omar);
  });

  it('finds the right turn when the last agent assigned is no longer available', () => {
    // Sara went away after her turn: Lina is next, not Omar.
    expect(roundRobin([omar, lina], 'sara', order)).toBe(lina);
    // Lina went away after hers: wrap round to Omar.
    expect(roundRobin([omar, sara], 'lina', order)).toBe(omar);
  });

  it('gives the turn back to the only available agent', () => {
    expect(roundRobin([sara], 'sara', order)).toBe(sara);
  });

  it('starts at the first available agent when the last one left the team', () => {
    expect(roundRobin([sara, lina], 'removed-agent', order)).toBe(sara);
  });

  it('chooses nobody when nobody is available', () => {
    expect(roundRobin([], 'omar', order)).toBeUndefined();
  });
});

describe('leastOpen', () => {
  const never = () => undefined;

  it('assigns the least busy agent', () => {
    const open: Record<string, number> = { omar: 2, sara: 0, lina: 1 };
    expect(leastOpen(team, (id) => open[id] ?? 0, never)).toBe(sara);
  });

  it('breaks a tie with the agent assigned least recently', () => {
    const open: Record<string, number> = { omar: 1, sara: 1, lina: 2 };
    const lastAssigned: Record<string, string> = { omar: '2025-03-03T10:05:00.000Z', sara: '2025-03-03T10:01:00.000Z' };
    expect(leastOpen(team, (id) => open[id] ?? 0, (id) => lastAssigned[id])).toBe(sara);
  });

  it('counts an agent never assigned as assigned longest ago', () => {
    const lastAssigned: Record<string, string> = { omar: '2025-03-03T10:05:00.000Z', sara: '2025-03-03T10:01:00.000Z' };
    expect(leastOpen(team, () => 0, (id) => lastAssigned[id])).toBe(lina);
  });

  it('breaks a full tie with the configured order', () => {
    expect(leastOpen(team, () => 1, never)).toBe(omar);
    expect(leastOpen(team, () => 1, () => '2025-03-03T10:00:00.000Z')).toBe(omar);
    expect(leastOpen([lina, sara], () => 0, never)).toBe(lina);
  });

  it('prefers fewer open conversations over an older assignment', () => {
    const open: Record<string, number> = { omar: 0, sara: 1, lina: 1 };
    const lastAssigned: Record<string, string> = { omar: '2025-03-03T10:05:00.000Z' };
    expect(leastOpen(team, (id) => open[id] ?? 0, (id) => lastAssigned[id])).toBe(omar);
  });

  it('chooses nobody when nobody is available', () => {
    expect(leastOpen([], () => 0, never)).toBeUndefined();
  });
});
