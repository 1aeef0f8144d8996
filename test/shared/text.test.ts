// Whether a note ends a sentence of its own: what both the agents' close confirmation ("Closed #1 (…)") and the
// customer's closed notice ("…closed. <note> Write to us…") ask before adding a stop.
import { describe, expect, it } from 'vitest';
import { closedLine } from '../../src/handover/lines.ts';
import { endsSentence } from '../../src/shared/text.ts';

describe('endsSentence', () => {
  it('takes a stop, !, ?, … or ؟ for an end, inside closing quotes or brackets too, and nothing else', () => {
    for (const text of ['Refunded.', 'Done!', 'Anything else?', 'Wait…', 'تم؟', 'He said "fine."', '(see the invoice.)  ']) expect(endsSentence(text), text).toBe(true);
    for (const text of ['refunded', 'تم رد المبلغ', 'ticket #4471', 'Refund sent :)', '']) expect(endsSentence(text), text).toBe(false);
  });

  it('gives the agents\' close confirmation one stop however the note ends', () => {
    expect(closedLine('Closed #1', 'He said "fine."')).toBe('Closed #1 (He said "fine.")');
    expect(closedLine('Closed #1', 'refunded')).toBe('Closed #1 (refunded).');
    expect(closedLine('Closed #1', undefined)).toBe('Closed #1.');
  });
});
