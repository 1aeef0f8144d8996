// The web chat page's own words (src/channels/webchat/words.js): which language a visitor gets, and that no
// language lacks a word English has (a missing one would show "undefined" on the page).
import { describe, expect, it } from 'vitest';
import { WORDS, pageLocales, pickLanguage } from '../../src/channels/webchat/words.js';

describe('the web chat page\'s words', () => {
  it('takes the language the link asks for, else the browser\'s first one it has words for, else English', () => {
    expect(pickLanguage('ar', ['en-US'])).toBe('ar');
    expect(pickLanguage('EN', ['ar'])).toBe('en');
    expect(pickLanguage(null, ['fr-FR', 'ar-EG', 'en'])).toBe('ar');
    expect(pickLanguage('de', ['ar_SA'])).toBe('ar');
    expect(pickLanguage(null, ['fr-FR', 'de'])).toBe('en');
    expect(pickLanguage('', [])).toBe('en');
    // Nothing but a language of its own: not a property every object has.
    expect(pickLanguage('constructor', ['__proto__', 'toString'])).toBe('en');
  });

  it('writes times in the page\'s language, as the browser writes it when it is in that language', () => {
    expect(pageLocales('ar', ['en-US', 'en'])).toEqual(['ar']);
    expect(pageLocales('ar', ['fr-FR', 'ar-EG'])).toEqual(['ar-EG']);
    expect(pageLocales('en', ['en-GB', 'ar'])).toEqual(['en-GB']);
    expect(pageLocales('', ['de-DE'])).toEqual(['de-DE']);
  });

  it('counts seconds and minutes in Arabic as Arabic does: the noun agrees with the number', () => {
    expect(WORDS.ar.inSeconds(1)).toBe('بعد ثانية');
    expect(WORDS.ar.inSeconds(2)).toBe('بعد ثانيتين');
    expect(WORDS.ar.inSeconds(5)).toBe('بعد 5 ثوانٍ');
    expect(WORDS.ar.inSeconds(20)).toBe('بعد 20 ثانية');
    expect(WORDS.ar.inMinutes(3)).toBe('بعد 3 دقائق');
    expect(WORDS.ar.inMinutes(60)).toBe('بعد 60 دقيقة');
    expect(WORDS.ar.inMinutes(103)).toBe('بعد 103 دقائق');
    expect(WORDS.en.inSeconds(5)).toBe('in 5 s');
  });

  it('has every word in every language, of the same kind as English\'s', () => {
    const english = WORDS.en as unknown as Record<string, unknown>;
    for (const [language, words] of Object.entries(WORDS) as unknown as [string, Record<string, unknown>][]) {
      expect(Object.keys(words).sort(), language).toEqual(Object.keys(english).sort());
      for (const [key, value] of Object.entries(english)) {
        const own = words[key];
        expect(typeof own, `${language}.${key}`).toBe(typeof value);
        if (typeof value === 'function') expect((own as (...args: string[]) => string)('X', 'Y'), `${language}.${key}`).toContain('X');
        if (typeof value === 'object') expect(Object.keys(own as object).sort(), `${language}.${key}`).toEqual(Object.keys(value as object).sort());
        if (typeof value === 'string') expect((own as string).length, `${language}.${key}`).toBeGreaterThan(0);
      }
    }
    expect(WORDS.ar.dir).toBe('rtl');
  });

  it('says a reason shown alone on the status line as a sentence: a capital where the language has them, a full stop', () => {
    expect(WORDS.en.alone(WORDS.en.tooFast(WORDS.en.inSeconds(3)))).toBe('Too many messages in a short time; sending it again in 3 s.');
    expect(WORDS.en.alone(WORDS.en.theirWords('try again shortly!'))).toBe('Try again shortly!');
    expect(WORDS.ar.alone(WORDS.ar.unavailable)).toBe('الدردشة غير متاحة الآن؛ حاول مرة أخرى بعد قليل.');
  });

  it('says in the page\'s language that a file could not be kept, naming a file without a name by its kind', () => {
    expect(WORDS.ar.refusedFile('tour.mp4', WORDS.ar.theirWords('HTTP 418'))).toBe('تعذّر حفظ \u2068tour.mp4\u2069: «\u2068HTTP 418\u2069»');
    expect(WORDS.ar.refusedUnnamed(WORDS.ar.kinds.video, WORDS.ar.refusedTooLarge('20 ميغابايت'))).toBe('تعذّر حفظ \u2068فيديو\u2069: الملف أكبر من 20 ميغابايت');
    expect(WORDS.en.refusedFile('tour.mp4', 'the file is larger than 20 MB')).toBe('tour.mp4 could not be kept: the file is larger than 20 MB');
    // A file without a name starts the line by its kind, as a sentence: "The video…", not "video…".
    expect(WORDS.en.refusedUnnamed(WORDS.en.kinds.video, 'the file is larger than 20 MB')).toBe('The video could not be kept: the file is larger than 20 MB');
  });
});
