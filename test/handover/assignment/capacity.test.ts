import { describe, expect, it } from 'vitest';
import { underCapacity } from '../../../src/handover/assignment/capacity.ts';
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
