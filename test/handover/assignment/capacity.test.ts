import { describe, expect, it } from 'vitest';
import { roomAdded, underCapacity } from '../../../src/handover/assignment/capacity.ts';
import { agent } from '../helpers.ts';

const omar = agent('Omar', ['Billing'], { maxOpen: 2 });
const sara = agent('Sara', ['Billing'], { maxOpen: 3 });
const lina = agent('Lina', ['Billing'], { maxOpen: 1 });

describe('underCapacity', () => {
  it('keeps agents holding fewer open conversations than their max_open', () => {
    const open: Record<string, number> = { omar: 1, sara: 2, lina: 0 };
    expect(underCapacity([omar, sara, lina], (id) => open[id] ?? 0)).toEqual([omar, sara, lina]);
  });

  it('never offers an agent at or above max_open', () => {
    const open: Record<string, number> = { omar: 2, sara: 2, lina: 5 };
    expect(underCapacity([omar, sara, lina], (id) => open[id] ?? 0)).toEqual([sara]);
  });
});

describe('roomAdded', () => {
  it('names the agents a new team.yaml lets take more: a higher max_open, a team more, new in the file', () => {
    const before = [omar, sara, lina];
    const after = [{ ...omar, maxOpen: 3 }, { ...sara, teams: ['Billing', 'support'] }, lina, agent('Nadia', ['Billing'])];
    expect(roomAdded(before, after).map((a) => a.id)).toEqual(['omar', 'sara', 'nadia']);
  });

  it('names nobody when no one has more room: a lower max_open, a team less, a team spelled in another case, a removal', () => {
    const before = [omar, { ...sara, teams: ['Billing', 'Support'] }, lina];
    const after = [{ ...omar, maxOpen: 1 }, { ...sara, teams: ['billing'] }, { ...lina, teams: ['BILLING'], language: 'ar' as const }];
    expect(roomAdded(before, after)).toEqual([]);
  });
});
