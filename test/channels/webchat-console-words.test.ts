// The agent console's own words (src/channels/webchat/console-words.js): which language an agent gets, and that
// Arabic lacks no word English has (a missing one would show "undefined" in the console).
import { describe, expect, it } from 'vitest';
import { CONSOLE_WORDS, consoleLanguage } from '../../src/channels/webchat/console-words.js';

describe('the agent console\'s words', () => {
  it('takes the language chosen in this browser, else Arabic for an Arabic browser, else English', () => {
    expect(consoleLanguage('ar', 'en-US')).toBe('ar');
    expect(consoleLanguage('en', 'ar-EG')).toBe('en');
    expect(consoleLanguage(null, 'ar-EG')).toBe('ar');
    expect(consoleLanguage(null, 'fr-FR')).toBe('en');
    expect(consoleLanguage('de', '')).toBe('en');
  });

  it('has every word in every language, of the same kind as English\'s', () => {
    const english = CONSOLE_WORDS.en as Record<string, unknown>;
    for (const [language, words] of Object.entries(CONSOLE_WORDS) as [string, Record<string, unknown>][]) {
      expect(Object.keys(words).sort(), language).toEqual(Object.keys(english).sort());
      for (const [key, value] of Object.entries(english)) {
        const own = words[key];
        expect(typeof own, `${language}.${key}`).toBe(typeof value);
        if (typeof value === 'function') expect((own as (...args: string[]) => string)('X', 'Y'), `${language}.${key}`).toContain('X');
        if (typeof value === 'object') expect(Object.keys(own as object).sort(), `${language}.${key}`).toEqual(Object.keys(value as object).sort());
        if (typeof value === 'string') expect((own as string).length, `${language}.${key}`).toBeGreaterThan(0);
      }
    }
    expect(CONSOLE_WORDS.ar.dir).toBe('rtl');
  });

  it('quotes in Arabic the channel\'s English reason a message was not delivered or a file not kept, when nothing better is known, and isolates the file\'s name', () => {
    const say = (language: 'en' | 'ar', key: string, ...args: string[]) => (CONSOLE_WORDS[language][key] as (...args: string[]) => string)(...args);
    expect(say('ar', 'notDelivered', say('ar', 'theirWords', 'Bad Request: message is too long'))).toBe('لم تُسلَّم: «\u2068Bad Request: message is too long\u2069»');
    expect(say('ar', 'notDelivered', (CONSOLE_WORDS.ar.failures as Record<string, string>).blocked!)).toBe('لم تُسلَّم: حظر العميل البوت');
    expect(say('ar', 'refusedFile', 'huge.zip', say('ar', 'theirWords', 'HTTP 418'))).toBe('تعذّر حفظ \u2068huge.zip\u2069: «\u2068HTTP 418\u2069»');
    expect(say('ar', 'refusedFile', 'huge.zip', say('ar', 'refusedTooLarge', '20 ميغابايت'))).toBe('تعذّر حفظ \u2068huge.zip\u2069: الملف أكبر من 20 ميغابايت');
    expect(say('en', 'notDelivered', 'Forbidden: bot was blocked by the user')).toBe('not delivered: Forbidden: bot was blocked by the user');
  });

  it('writes its Arabic words in Arabic, the channels that are products apart', () => {
    const arabic = CONSOLE_WORDS.ar as Record<string, unknown>;
    const products = new Set(['telegram', 'whatsapp-cloud', 'whatsapp-web', 'messenger', 'instagram', 'botframework', 'msteams']);
    for (const [key, value] of Object.entries(arabic)) {
      // theirWords quotes the server's own (English) words, as they are.
      if (key === 'dir' || key === 'otherLanguage' || key === 'theirWords') continue;
      const texts = typeof value === 'function' ? [(value as (...args: string[]) => string)('X', 'Y')]
        : typeof value === 'object' ? Object.entries(value as Record<string, string>).filter(([name]) => !(key === 'channels' && products.has(name))).map(([, text]) => text)
        : [value as string];
      for (const text of texts) expect(text, `ar.${key}`).toMatch(/[\u0600-\u06ff]/);
    }
  });
});
