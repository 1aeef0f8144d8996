// The dashboard's own words (src/admin-ui/i18n.ts): every word in English and in Arabic, with the same blanks, and
// the Arabic written in Arabic (an English word left in the Arabic table would show in an Arabic dashboard).
import { describe, expect, it } from 'vitest';
import { stringsIn, type StringKey } from '../../src/admin-ui/i18n.ts';

/** Words that read the same in both: product and file names, a dash, the button that offers the other language. */
const SAME_IN_BOTH: StringKey[] = ['appName', 'teamFile', 'none'];

const blanks = (text: string) => [...text.matchAll(/\{(\w+)\}|\$/g)].map((match) => match[0]).sort();

describe('the dashboard\'s words', () => {
  const en = stringsIn('en');
  const ar = stringsIn('ar');

  it('has every word in Arabic, with the blanks English has', () => {
    expect(Object.keys(ar).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as StringKey[]) {
      expect(ar[key].trim().length, key).toBeGreaterThan(0);
      expect(blanks(ar[key]), key).toEqual(blanks(en[key]));
    }
  });

  it('writes its Arabic words in Arabic, names of products and files apart', () => {
    for (const key of Object.keys(en) as StringKey[]) {
      if (SAME_IN_BOTH.includes(key)) continue;
      if (key === 'otherLanguage') {
        expect([en[key], ar[key]]).toEqual(['العربية', 'English']);
        continue;
      }
      expect(ar[key], key).toMatch(/[\u0600-\u06ff]/);
      expect(en[key], key).not.toMatch(/[\u0600-\u06ff]/);
    }
  });
});
