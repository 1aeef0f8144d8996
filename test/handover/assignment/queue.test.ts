import { describe, expect, it } from 'vitest';
import { nextFor, queueOf } from '../../../src/handover/assignment/queue.ts';
import { agent, conversation, queued } from '../helpers.ts';

const open = [
  queued(5, 'Billing', '2025-03-03T09:10:00.000Z'),
  queued(3, 'Billing', '2025-03-03T09:05:00.000Z'),
  queued(4, 'Support', '2025-03-03T09:01:00.000Z'),
  queued(7, 'Billing', '2025-03-03T09:10:00.000Z'),
  queued(6, 'Billing', '2025-03-03T09:02:00.000Z', { status: 'closed' }),
  conversation(8, { stage: 'assigned', team: 'Billing', agentId: 'omar', queuedAt: '2025-03-03T09:00:00.000Z' }),
  conversation(9, { team: 'Billing' }),
];

describe('queueOf', () => {
  it('lists a team\'s waiting conversations first in, first out', () => {
    expect(queueOf('Billing', open).map((c) => c.id)).toEqual([3, 5, 7]);
  });

  it('orders conversations queued at the same moment by number', () => {
    expect(queueOf('Billing', [open[3]!, open[0]!]).map((c) => c.id)).toEqual([5, 7]);
  });

  it('leaves out other teams, closed, assigned and bot conversations', () => {
    expect(queueOf('Support', open).map((c) => c.id)).toEqual([4]);
    expect(queueOf('Sales', open)).toEqual([]);
  });

  it('matches the team name whatever its case', () => {
    expect(queueOf('billing', open).map((c) => c.id)).toEqual([3, 5, 7]);
  });
});

describe('nextFor', () => {
  const omar = agent('Omar', ['Billing', 'Support']);
  const sara = agent('Sara', ['Support']);
  const lina = agent('Lina', ['Sales']);

  it('takes the longest-waiting conversation across the agent\'s teams', () => {
    expect(nextFor(omar, open)?.id).toBe(4);
    expect(nextFor(omar, open.filter((c) => c.id !== 4))?.id).toBe(3);
  });

  it('only takes conversations of the agent\'s own teams', () => {
    expect(nextFor(sara, open)?.id).toBe(4);
    expect(nextFor(lina, open)).toBeUndefined();
  });

  it('gives a conversation waiting for a given agent to that agent only', () => {
    const waiting = [
      queued(10, 'Support', '2025-03-03T08:00:00.000Z', { agentId: 'sara' }),
      queued(11, 'Support', '2025-03-03T08:30:00.000Z'),
    ];
    expect(nextFor(omar, waiting)?.id).toBe(11);
    expect(nextFor(sara, waiting)?.id).toBe(10);
  });

  it('gives a conversation waiting for an agent to them even outside their teams', () => {
    expect(nextFor(lina, [queued(12, 'Billing', '2025-03-03T08:00:00.000Z', { agentId: 'lina' })])?.id).toBe(12);
  });

  it('finds nothing when the queues are empty', () => {
    expect(nextFor(omar, [])).toBeUndefined();
  });
});
