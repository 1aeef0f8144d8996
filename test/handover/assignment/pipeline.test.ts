import { describe, expect, it } from 'vitest';
import { chooseAgent, type AssignmentInput } from '../../../src/handover/assignment/pipeline.ts';
import type { AgentStatus, Team } from '../../../src/handover/team.ts';
import { agent } from '../helpers.ts';

const billing: Team = { name: 'Billing', strategy: 'least_open' };
const support: Team = { name: 'Support', strategy: 'round_robin' };
const omar = agent('Omar', ['Billing', 'Support'], { maxOpen: 2 });
const sara = agent('Sara', ['Support']);
const lina = agent('Lina', ['Billing', 'Support']);
const agents = [omar, sara, lina];

function input(team: Team, state: { status?: Record<string, AgentStatus>; open?: Record<string, number> } = {}, extra: Partial<AssignmentInput> = {}): AssignmentInput {
  return {
    team,
    agents,
    statusOf: (id) => state.status?.[id] ?? 'online',
    openCountOf: (id) => state.open?.[id] ?? 0,
    lastAssignedAtOf: () => undefined,
    ...extra,
  };
}

describe('chooseAgent', () => {
  it('assigns the least busy online agent of a least_open team', () => {
    expect(chooseAgent(input(billing, { open: { omar: 1, lina: 0 } }))).toBe(lina);
  });

  it('takes turns in a round_robin team', () => {
    expect(chooseAgent(input(support, {}, { lastAssignedInTeam: 'omar' }))).toBe(sara);
    expect(chooseAgent(input(support, {}, { lastAssignedInTeam: 'lina' }))).toBe(omar);
  });

  it('keeps round robin turns in team order when the next agent is away', () => {
    expect(chooseAgent(input(support, { status: { sara: 'away' } }, { lastAssignedInTeam: 'omar' }))).toBe(lina);
    expect(chooseAgent(input(support, { status: { lina: 'offline' } }, { lastAssignedInTeam: 'lina' }))).toBe(omar);
  });

  it('never picks an agent who is not online, even the least busy', () => {
    expect(chooseAgent(input(billing, { status: { lina: 'away' }, open: { omar: 1 } }))).toBe(omar);
    expect(chooseAgent(input(billing, { status: { omar: 'offline', lina: 'away' } }))).toBeUndefined();
  });

  it('never exceeds an agent\'s max_open', () => {
    expect(chooseAgent(input(billing, { open: { omar: 2, lina: 3 } }))).toBeUndefined();
    expect(chooseAgent(input(support, { open: { sara: 3 } }, { lastAssignedInTeam: 'omar' }))).toBe(lina);
  });

  it('lets the assign step override the team\'s strategy', () => {
    const open = { omar: 1, sara: 1, lina: 0 };
    expect(chooseAgent(input(support, { open }, { lastAssignedInTeam: 'lina' }))).toBe(omar);
    expect(chooseAgent(input(support, { open }, { lastAssignedInTeam: 'lina', strategy: 'least_open' }))).toBe(lina);
    expect(chooseAgent(input(billing, { open }, { lastAssignedInTeam: 'omar', strategy: 'round_robin' }))).toBe(lina);
  });

  it('assigns a targeted agent only, and only when they can take it', () => {
    expect(chooseAgent(input(billing, { open: { omar: 1 } }, { target: 'Omar' }))).toBe(omar);
    expect(chooseAgent(input(billing, { status: { omar: 'away' } }, { target: 'Omar' }))).toBeUndefined();
    expect(chooseAgent(input(billing, { open: { omar: 2 } }, { target: 'omar' }))).toBeUndefined();
    expect(chooseAgent(input(billing, {}, { target: 'Sara' }))).toBeUndefined();
  });

  it('finds nobody for a team with no agents', () => {
    expect(chooseAgent(input({ name: 'Sales', strategy: 'round_robin' }))).toBeUndefined();
  });
});
