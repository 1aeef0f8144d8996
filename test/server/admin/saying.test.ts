// The search's batches of conversations that said a text, asked of the store newest first: every conversation a
// search walks past is answered as the store would answer it alone, over any number of batches.
import { describe, expect, it } from 'vitest';
import { Saying } from '../../../src/server/admin/conversations.ts';

/** A store whose conversations `matching` said the text; records what it was asked. */
function storeSaying(matching: number[]) {
  const asked: { before?: number; limit: number }[] = [];
  return {
    asked,
    conversationsSaying: async (_text: string, options: { before?: number; limit: number }) => {
      asked.push(options);
      return matching.filter((id) => id < (options.before ?? Infinity)).sort((a, b) => b - a).slice(0, options.limit);
    },
  };
}

describe('Saying', () => {
  it('answers every conversation walked newest first, across batches, asking each part of the range once', async () => {
    const matching = [2, 3, 5, 8, 13, 21, 34];
    const store = storeSaying(matching);
    const saying = new Saying((options) => store.conversationsSaying('hello', options), 2);
    const answers: number[] = [];
    for (let id = 40; id >= 1; id--) if (await saying.has(id)) answers.push(id);
    expect(answers).toEqual([...matching].reverse());
    expect(store.asked.map((options) => options.before)).toEqual([Number.MAX_SAFE_INTEGER, 21, 8, 3]);
  });

  it('asks no more once a batch came back short, and starts where a cursor left the walk', async () => {
    const store = storeSaying([4, 9]);
    const saying = new Saying((options) => store.conversationsSaying('hello', options), 5);
    expect(await saying.has(9)).toBe(true);
    expect(await saying.has(5)).toBe(false);
    expect(await saying.has(4)).toBe(true);
    expect(await saying.has(1)).toBe(false);
    expect(store.asked).toHaveLength(1);
  });
});
