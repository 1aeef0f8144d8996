// Whether a note ends a sentence of its own: what both the agents' close confirmation ("Closed #1 (…)") and the
// customer's closed notice ("…closed. <note> Write to us…") ask before adding a stop; a person's name as agents read it.
import { describe, expect, it } from 'vitest';
import { closedLine } from '../../src/handover/lines.ts';
import { endsSentence, personName } from '../../src/shared/text.ts';

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

describe('personName', () => {
  it('drops what would fake or reorder a name, and line breaks, so agents read the name the customer has', () => {
    expect(personName('Dana 😀\u202Eevil')).toBe('Dana 😀evil');
    expect(personName('\u202aOmar\u202c \u2067Haddad\u2069\u200e')).toBe('Omar Haddad');
    expect(personName('Sam\u200b\ufeff\u00ad\nSmith\u0007')).toBe('Sam Smith');
    expect(personName(' \u200f\u202e ')).toBeUndefined();
  });

  it('keeps Arabic, a ZWNJ inside a Persian name, emoji joined by U+200D and flags written with tag characters', () => {
    for (const name of ['ليلى حداد', 'نامه\u200cها', 'Mona 👩‍💻', '👨‍👩‍👧 family', '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f} Ewan']) {
      expect(personName(name), name).toBe(name);
    }
  });
});
