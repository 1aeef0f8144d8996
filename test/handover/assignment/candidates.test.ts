import { describe, expect, it } from 'vitest';
import { candidates } from '../../../src/handover/assignment/candidates.ts';
import { agent } from '../helpers.ts';

const omar = agent('Omar Khalid', ['Billing', 'Support']);
const sara = agent('Sara', ['Support']);
const lina = agent('Lina', ['Billing']);
const agents = [omar, sara, lina];

describe('candidates', () => {
  it('are the agents of the team, in team.yaml order', () => {
    expect(candidates('Billing', agents)).toEqual([omar, lina]);
    expect(candidates('Support', agents)).toEqual([omar, sara]);
  });

  it('match the team name whatever its case', () => {
    expect(candidates('billing', agents)).toEqual([omar, lina]);
  });

  it('are nobody for a team without agents', () => {
    expect(candidates('Sales', agents)).toEqual([]);
  });

  it('are only the targeted agent, named by id or by name', () => {
    expect(candidates('Billing', agents, 'lina')).toEqual([lina]);
    expect(candidates('Billing', agents, 'Omar Khalid')).toEqual([omar]);
    expect(candidates('Billing', agents, 'omar khalid')).toEqual([omar]);
    expect(candidates('Billing', agents, 'omar-khalid')).toEqual([omar]);
  });

  it('are nobody when the targeted agent is not in the team or unknown', () => {
    expect(candidates('Billing', agents, 'Sara')).toEqual([]);
    expect(candidates('Billing', agents, 'Nobody')).toEqual([]);
  });
});
