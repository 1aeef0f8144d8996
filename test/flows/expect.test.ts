import { describe, expect, it } from 'vitest';
import { checkAnswer, declinesToAnswer, triesToAnswer, type Expect } from '../../src/flows/expect.ts';
import { forEveryLanguage } from '../../src/flows/language.ts';
import type { Attachment } from '../../src/store/types.ts';

const choices = [
  { id: 'billing', title: forEveryLanguage('Billing') },
  { id: 'tech', title: forEveryLanguage('Problème technique') },
  { id: 'sales', title: forEveryLanguage('مبيعات') },
];

function accepts(type: Expect, text: string) {
  const answer = checkAnswer(type, { text });
  return answer.ok ? answer.value : 'refused';
}

describe('expect: text', () => {
  it('accepts any non-blank text, trimmed', () => {
    expect(accepts({ type: 'text' }, '  I need a refund ')).toBe('I need a refund');
  });
  it('refuses blank text and a message without text', () => {
    expect(accepts({ type: 'text' }, '   ')).toBe('refused');
    expect(checkAnswer({ type: 'text' }, {}).ok).toBe(false);
  });
});

describe('expect: email', () => {
  it('accepts an address and saves it lower-cased', () => {
    expect(accepts({ type: 'email' }, ' Mona@Example.COM ')).toBe('mona@example.com');
  });
  it.each(['mona', 'mona@', 'mona@example', 'mona example.com', 'a@b@c.com'])('refuses %j', (text) => {
    expect(accepts({ type: 'email' }, text)).toBe('refused');
  });
  it.each([
    ['mona @ example . com', 'mona@example.com'],
    ['Mona@ Example .COM', 'mona@example.com'],
    ['<mona @ example . com>.', 'mona@example.com'],
    ['mona at example dot com', 'mona@example.com'],
    ['Mona AT Example DOT com', 'mona@example.com'],
    ['mona.aziz at example.co.uk', 'mona.aziz@example.co.uk'],
    ['mona dot aziz at example dot co dot uk', 'mona.aziz@example.co.uk'],
    ['nat at example dot com', 'nat@example.com'],
  ])('accepts the whole answer spaced out or spoken as one address: %j', (text, saved) => {
    expect(accepts({ type: 'email' }, text)).toBe(saved);
  });
  it.each([
    ['mona smith @ example.com', 'smith@ or monasmith@: a word of a sentence is never glued to an address'],
    ['my email is mona @ example . com', 'spaced out, only the whole answer is an address'],
    ['mona @ example.com. thanks', 'a sentence after the address, not a domain ending in .thanks'],
    ['mona@example. com', 'a space after the last dot only ends a sentence'],
    ['mona at example', 'no dot after "at"'],
    ['mona at home at example dot com', '"at" twice'],
    ['mona @ example at work dot com', '"at" with an "@" already'],
    ['I am at home', 'no address at all'],
  ])('refuses %j (%s)', (text) => {
    expect(accepts({ type: 'email' }, text)).toBe('refused');
  });
  it.each([
    ['look at example dot com', 'a website'],
    ['Look at example.com', 'a website'],
    ['me at gmail dot com', 'an account at Gmail'],
    ["I'm at example dot com", 'where they are'],
    ['email at gmail dot com', 'where their mailbox is'],
    ['i am at home dot com', 'a sentence: "am" would be the name'],
    ['contact me at gmail dot com', 'a sentence: "me" would be the name'],
    ['my email is mona @ example . com', 'words before a spaced address'],
    ['mona @ example.com. thanks', 'words after it'],
    ['you can reach me at maya at example dot com', '"at" twice: a sentence'],
    ['mona. at at example dot com', '"at" twice, though "mona.at" could be a name'],
  ])('refuses %j (%s) as an address among other words, to be sent on its own', (text) => {
    expect(checkAnswer({ type: 'email' }, { text })).toEqual({ ok: false, why: 'email_in_words' });
  });
  it.each([
    ['mona آت example دوت com', 'mona@example.com'],
    ['mona أت example نقطة com', 'mona@example.com'],
    ['mona ات example دوت كوم', 'mona@example.com'],
    ['mona dot aziz آت example دوت co دوت uk', 'mona.aziz@example.co.uk'],
    ['mona٩٥@example.com', 'mona95@example.com'],
    ['بريدي هو mona۹۵@example.com', 'mona95@example.com'],
    ['info at example dot com', 'info@example.com'],
  ])('accepts %j, spelled with the Arabic words for "at" and "dot" or with Arabic-Indic digits, as %s', (text, saved) => {
    expect(accepts({ type: 'email' }, text)).toBe(saved);
  });
  it.each(['write to support at the shop', 'أنا آت', 'كوم at example dot com', 'mona at example دوت'])('refuses %j', (text) => {
    expect(accepts({ type: 'email' }, text)).toBe('refused');
  });
  it('says why, where it can: two different addresses, or an address without its ending', () => {
    expect(checkAnswer({ type: 'email' }, { text: 'mona@example.com or mona@work.example' })).toEqual({ ok: false, why: 'several_emails' });
    expect(checkAnswer({ type: 'email' }, { text: 'mona @ example.com or mona@work.example' })).toEqual({ ok: false, why: 'several_emails' });
    expect(checkAnswer({ type: 'email' }, { text: 'mona@example' })).toEqual({ ok: false, why: 'email_ending' });
    expect(checkAnswer({ type: 'email' }, { text: 'my email is mona@example.' })).toEqual({ ok: false, why: 'email_ending' });
    expect(checkAnswer({ type: 'email' }, { text: 'ايميلي mona@example' })).toEqual({ ok: false, why: 'email_ending' });
    expect(checkAnswer({ type: 'email' }, { text: 'mona@example or mona@work' })).toEqual({ ok: false });
    expect(checkAnswer({ type: 'email' }, { text: 'mona @ example.' })).toEqual({ ok: false, why: 'email_ending' });
    expect(checkAnswer({ type: 'email' }, { text: 'mona' })).toEqual({ ok: false });
    expect(accepts({ type: 'email' }, 'mona@example.com, mona@example.com')).toBe('mona@example.com');
  });
  it.each([
    ['أحمد@مثال.مصر', 'أحمد@مثال.مصر'],
    ['بريدي هو أحمد@مثال.مصر، شكرًا', 'أحمد@مثال.مصر'],
    ['jose\u0301@exa\u0308mple.com', 'jos\u00e9@ex\u00e4mple.com'],
    ['user@xn--mgbh0fb.xn--wgbh1c', 'user@xn--mgbh0fb.xn--wgbh1c'],
    ['Пример@Почта.РФ', 'пример@почта.рф'],
    ['user@例え.テスト', 'user@例え.テスト'],
  ])('accepts the internationalised address %j (RFC 6531), composed, its domain kept as typed: %j', (text, saved) => {
    expect(accepts({ type: 'email' }, text)).toBe(saved);
  });
  it.each(['mona.@example.com', 'mo..na@example.com', 'mona@example..com', 'a@b.c1', 'a@-b.com', 'a@b_c.com', 'a@b.xn--zz', '😀@example.com', 'أحمد@مثال..مصر', 'أحمد@-مثال.مصر', `${'ب'.repeat(33)}@مثال.مصر`])('refuses %j, no address in any script', (text) => {
    expect(accepts({ type: 'email' }, text)).toBe('refused');
  });
  it('says an internationalised address without its ending is missing it', () => {
    expect(checkAnswer({ type: 'email' }, { text: 'أحمد@مثال' })).toEqual({ ok: false, why: 'email_ending' });
  });
  it('reads the worst answers a customer can send at once: long runs of spaces, dots or punctuation', () => {
    // Patterns around runs of spaces took time with the square of a run's length: 20,000 spaces held the server's
    // one thread for 5.5 s, 50,000 for 25 s. Counted in this process's CPU time, so a busy machine does not fail it.
    const worst = ['a' + ' '.repeat(50_000) + 'b', 'a' + ' .'.repeat(25_000) + 'b', 'a' + '!'.repeat(50_000) + 'b', 'a' + ' '.repeat(998) + 'b', 'a' + ' .'.repeat(499) + 'b', 'a' + '!'.repeat(998) + 'b', 'x' + ' at '.repeat(240) + 'y'];
    const before = process.cpuUsage();
    for (const text of worst) expect(accepts({ type: 'email' }, text)).toBe('refused');
    const { user, system } = process.cpuUsage(before);
    expect((user + system) / 1000).toBeLessThan(500);
    // An address in a long sentence is still found.
    expect(accepts({ type: 'email' }, `${'I have been trying to reach you about my order for days now, '.repeat(12)}it's mona@example.com`)).toBe('mona@example.com');
  });
});

describe('expect: phone', () => {
  it('accepts an international number and saves E.164', () => {
    expect(accepts({ type: 'phone' }, '+20 100 123 4567')).toBe('+201001234567');
    expect(accepts({ type: 'phone' }, '+1 (202) 555-0143')).toBe('+12025550143');
  });
  it('accepts a national number when the step names the country', () => {
    expect(accepts({ type: 'phone', country: 'EG' }, '0100 123 4567')).toBe('+201001234567');
  });
  it('accepts Arabic-Indic digits', () => {
    expect(accepts({ type: 'phone', country: 'EG' }, '٠١٠٠١٢٣٤٥٦٧')).toBe('+201001234567');
    expect(accepts({ type: 'phone' }, '+۲۰۱۰۰۱۲۳۴۵۶۷')).toBe('+201001234567');
  });
  it('refuses a national number without a country, a too short number and text', () => {
    expect(accepts({ type: 'phone' }, '0100 123 4567')).toBe('refused');
    expect(accepts({ type: 'phone' }, '+20 100')).toBe('refused');
    expect(accepts({ type: 'phone' }, 'call me')).toBe('refused');
  });
  it.each<[string, Expect, string]>([
    ['my number is +44 7400 123456', { type: 'phone' }, '+447400123456'],
    ['call me on 07400 123456 please', { type: 'phone', country: 'GB' }, '+447400123456'],
    ['رقمي 0501234567', { type: 'phone', country: 'SA' }, '+966501234567'],
    ['رقمي ٠٥٠١٢٣٤٥٦٧ شكرًا', { type: 'phone', country: 'SA' }, '+966501234567'],
    ['It is 0100 123 4567, about order 12345678', { type: 'phone', country: 'EG' }, '+201001234567'],
    ['+44 7400 123456, or 07400 123456 if you dial from here', { type: 'phone', country: 'GB' }, '+447400123456'],
  ])('takes the one number in a sentence: %j', (text, type, saved) => {
    expect(accepts(type, text)).toBe(saved);
  });
  it('refuses two different numbers as such, and a sentence with no number (or one without its country code, with no country)', () => {
    expect(checkAnswer({ type: 'phone' }, { text: '+44 7400 123456 or +44 7400 654321' })).toEqual({ ok: false, why: 'several_phones' });
    expect(checkAnswer({ type: 'phone', country: 'SA' }, { text: 'رقمي 0501234567 أو 0551234567' })).toEqual({ ok: false, why: 'several_phones' });
    expect(checkAnswer({ type: 'phone' }, { text: 'call me on 07400 123456 please' })).toEqual({ ok: false });
    expect(checkAnswer({ type: 'phone', country: 'GB' }, { text: 'I would rather not say' })).toEqual({ ok: false });
  });
  it('reads the worst answers a customer can send at once: long runs of digits, spaces and brackets', () => {
    // Finding numbers in a text takes time with every character; counted in this process's CPU time.
    const worst = ['1 '.repeat(25_000), '(1'.repeat(25_000), '1 '.repeat(149), '(1'.repeat(149), '1-'.repeat(149), '+'.repeat(299), '+1 ('.repeat(74)];
    const before = process.cpuUsage();
    for (const text of worst) expect(accepts({ type: 'phone', country: 'GB' }, text)).toBe('refused');
    const { user, system } = process.cpuUsage(before);
    expect((user + system) / 1000).toBeLessThan(500);
    // A number in a long sentence is still found.
    expect(accepts({ type: 'phone', country: 'GB' }, `${'I have been waiting for a call about my order for days, '.repeat(3)}so call me on 07400 123456`)).toBe('+447400123456');
  });
});

describe('a customer declining to answer', () => {
  it.each(['no', 'No thanks!', "I'd rather not say.", 'I don’t have one', 'skip', 'لا', 'لا شكرًا', 'لا أريد', 'ما عندي'])('is %j', (text) => {
    expect(declinesToAnswer({ type: 'email' }, { text })).toBe(true);
    expect(declinesToAnswer({ type: 'phone' }, { text })).toBe(true);
  });
  it('is not a sentence that says more, nor a "no" to a choice', () => {
    expect(declinesToAnswer({ type: 'email' }, { text: 'no, wait: it is maya@example' })).toBe(false);
    expect(declinesToAnswer({ type: 'email' }, { text: 'no email yet, I need a refund' })).toBe(false);
    expect(declinesToAnswer({ type: 'choice', choices }, { text: 'no' })).toBe(false);
  });
});

describe('expect: number', () => {
  it.each([
    ['42', 42],
    ['-3.5', -3.5],
    [' 1,000 ', 1000],
    ['٤٢', 42],
    ['۴۲', 42],
    ['٣٫٥', 3.5],
    ['١٬٠٠٠', 1000],
  ])('accepts %j as %d', (text, value) => {
    expect(accepts({ type: 'number' }, text)).toBe(value);
  });
  it.each(['forty', '4 2 apples', '1,00', '', '--1'])('refuses %j', (text) => {
    expect(accepts({ type: 'number' }, text)).toBe('refused');
  });
});

describe('expect: date', () => {
  it.each([
    ['2025-03-15', '2025-03-15'],
    ['15/3/2025', '2025-03-15'],
    ['15.03.2025', '2025-03-15'],
    ['٢٠٢٥-٠٣-١٥', '2025-03-15'],
    ['١٥/٣/٢٠٢٥', '2025-03-15'],
    ['29/2/2024', '2024-02-29'],
    // Year first with slashes, as Saudi forms write dates; a Hijri year is an Umm al-Qura date, saved as its Gregorian day.
    ['2025/12/31', '2025-12-31'],
    ['١٤٤٧/٠٦/١٥', '2025-12-06'],
    ['15/06/1447', '2025-12-06'],
    ['١٥/٠٦/١٤٤٧هـ', '2025-12-06'],
    ['1/9/1447', '2026-02-18'],
  ])('accepts %j as %s', (text, value) => {
    expect(accepts({ type: 'date' }, text)).toBe(value);
  });
  it.each(['2025-02-29', '31/4/2025', '2025-13-01', '0/1/2025', 'tomorrow', '3/15', '30/06/1447', '1447/13/01'])('refuses the impossible or unreadable %j', (text) => {
    expect(accepts({ type: 'date' }, text)).toBe('refused');
  });
});

describe('expect: choice', () => {
  const type: Expect = { type: 'choice', choices };
  it('matches the pressed button id', () => {
    expect(checkAnswer(type, { choice: 'tech' })).toEqual({ ok: true, value: 'tech' });
  });
  it('matches a typed number, also in Arabic-Indic digits', () => {
    expect(accepts(type, '2')).toBe('tech');
    expect(accepts(type, ' ٣ ')).toBe('sales');
  });
  it('matches a number typed as the numbered list writes it, or as a reference: "2.", "2)", "#2", "٣."', () => {
    expect(accepts(type, '2.')).toBe('tech');
    expect(accepts(type, '2)')).toBe('tech');
    expect(accepts(type, '#2')).toBe('tech');
    expect(accepts(type, '٣.')).toBe('sales');
    expect(accepts(type, '2.5')).toBe('refused');
  });
  it('matches a number typed with the emoji keyboard: 2️⃣, with or without its variation selector', () => {
    expect(accepts(type, '2\uFE0F\u20E3')).toBe('tech');
    expect(accepts(type, ' 3\u20E3 ')).toBe('sales');
    expect(accepts(type, '2\uFE0F\u20E3 3\uFE0F\u20E3')).toBe('refused');
  });
  it('matches the title regardless of case, accents and spaces', () => {
    expect(accepts(type, '  billing ')).toBe('billing');
    expect(accepts(type, 'PROBLEME   technique')).toBe('tech');
    expect(accepts(type, 'مبيعات')).toBe('sales');
  });
  it('matches the title typed with a slip a reader would overlook: a typo, an emoji, punctuation, an Arabic letter written for another', () => {
    expect(accepts(type, 'biling')).toBe('billing');
    expect(accepts(type, 'Bililng')).toBe('billing');
    expect(accepts(type, 'billing 💳')).toBe('billing');
    expect(accepts(type, '💳 Billing!!')).toBe('billing');
    expect(accepts(type, 'probleme techniqe')).toBe('tech');
    expect(accepts(type, 'مبيعاة')).toBe('sales');
    expect(accepts(type, 'مبيـعات 🛒')).toBe('sales');
    const arabic: Expect = { type: 'choice', choices: [{ id: 'billing', title: forEveryLanguage('الفواتير') }, { id: 'sales', title: forEveryLanguage('المبيعات') }] };
    expect(accepts(arabic, 'فواتير')).toBe('billing');
  });
  it('matches a choice said politely: "no thanks", "yes please", «لا شكرًا», «نعم من فضلك»', () => {
    const more: Expect = {
      type: 'choice',
      choices: [{ id: 'yes', title: { variants: new Map([['en', 'Yes'], ['ar', 'نعم']]), fallback: 'Yes' } }, { id: 'no', title: { variants: new Map([['en', "No, that's all"], ['ar', 'لا، هذا كل شيء']]), fallback: "No, that's all" } }],
    };
    expect(accepts(more, 'no thanks')).toBe('no');
    expect(accepts(more, 'No thank you!')).toBe('no');
    expect(accepts(more, 'yes please')).toBe('yes');
    expect(accepts(more, 'لا شكرًا')).toBe('no');
    expect(accepts(more, 'نعم من فضلك')).toBe('yes');
    expect(accepts(type, 'billing please')).toBe('billing');
    expect(accepts(more, 'thanks')).toBe('refused');
    expect(accepts(more, 'no, I still cannot log in')).toBe('refused');
  });
  it('matches a yes or a no said in other words: "sure", «أكيد», «طبعًا», «أيوه», "nope", «أبدًا»', () => {
    const more: Expect = {
      type: 'choice',
      choices: [{ id: 'yes', title: { variants: new Map([['en', 'Yes'], ['ar', 'نعم']]), fallback: 'Yes' } }, { id: 'no', title: { variants: new Map([['en', "No, that's all"], ['ar', 'لا، هذا كل شيء']]), fallback: "No, that's all" } }],
    };
    for (const text of ['sure', 'Yeah!', 'of course', 'اكيد', 'أكيد', 'طبعًا', 'أيوه', 'بالتأكيد', 'أكيد، شكرًا']) expect(accepts(more, text), text).toBe('yes');
    for (const text of ['nope', 'not really', 'أبدًا', 'لا أبدا', 'كلا']) expect(accepts(more, text), text).toBe('no');
    // By the titles' first words too, whatever the ids; never between two choices that are both a yes.
    const recommend: Expect = { type: 'choice', choices: [{ id: 'r', title: forEveryLanguage('Yes, I would') }, { id: 'n', title: forEveryLanguage('No') }] };
    expect(accepts(recommend, 'sure')).toBe('r');
    const twoYes: Expect = { type: 'choice', choices: [{ id: 'mail', title: forEveryLanguage('Yes, by email') }, { id: 'call', title: forEveryLanguage('Yes, call me') }] };
    expect(accepts(twoYes, 'sure')).toBe('refused');
    // Not a choice that is neither, nor "ok", which may say nothing else is needed.
    expect(accepts(type, 'sure')).toBe('refused');
    expect(accepts(more, 'ok')).toBe('refused');
    expect(accepts(more, 'تمام')).toBe('refused');
  });
  it('takes no slip between two titles as near, nor in a short title', () => {
    const near: Expect = { type: 'choice', choices: [{ id: 'card', title: forEveryLanguage('Card') }, { id: 'cart', title: forEveryLanguage('Cart') }] };
    expect(accepts(near, 'carf')).toBe('refused');
    expect(accepts(near, 'cart')).toBe('cart');
    const short: Expect = { type: 'choice', choices: [{ id: 'yes', title: forEveryLanguage('Yes') }, { id: 'no', title: forEveryLanguage('No') }] };
    expect(accepts(short, 'yea')).toBe('refused');
    expect(accepts(short, 'not')).toBe('refused');
  });
  it('refuses anything else', () => {
    expect(accepts(type, '4')).toBe('refused');
    expect(accepts(type, 'bill')).toBe('refused');
    expect(checkAnswer(type, { choice: 'unknown' }).ok).toBe(false);
  });
});

describe('expect: regex', () => {
  const type: Expect = { type: 'regex', pattern: /^(?:ORD-\d{4})$/u };
  it('accepts text that matches as a whole', () => {
    expect(accepts(type, ' ORD-1234 ')).toBe('ORD-1234');
  });
  it('refuses text that only contains a match', () => {
    expect(accepts(type, 'my order is ORD-1234')).toBe('refused');
  });
});

describe('attachments', () => {
  const photo: Attachment = { kind: 'image', mime: 'image/jpeg', size: 52_000, ref: 'ph0t0', caption: 'my receipt' };
  const pdf: Attachment = { kind: 'document', mime: 'application/pdf', size: 80_000, name: 'invoice.pdf', ref: 'pdf1' };
  const here: Attachment = { kind: 'location', location: { latitude: 30.0444, longitude: 31.2357, name: 'Tahrir Square' } };
  const tooLarge: Attachment = { kind: 'image', mime: 'image/jpeg', size: 90_000_000, refused: 'over the 16 MB limit' };

  function answer(type: Expect, ...attachments: Attachment[]) {
    const result = checkAnswer(type, { attachments });
    return result.ok ? result.value : result.notKept ? 'not kept' : 'refused';
  }

  it.each<Expect>([{ type: 'text' }, { type: 'email' }, { type: 'phone' }, { type: 'number' }, { type: 'date' }, { type: 'regex', pattern: /^(?:.*)$/u }, { type: 'choice', choices }])(
    'a typed answer (%j) is never a photo, a file or a location',
    (type) => {
      expect(answer(type, photo)).toBe('refused');
      expect(answer(type, pdf, here)).toBe('refused');
    },
  );

  describe('expect: image', () => {
    const type: Expect = { type: 'image' };
    it('saves a reference to the first picture, not its caption', () => {
      expect(answer(type, pdf, photo, { ...photo, ref: 'second' })).toBe('media:ph0t0');
    });
    it('takes a picture sent as a file', () => {
      expect(answer(type, { kind: 'document', mime: 'image/png', ref: 'scr33n' })).toBe('media:scr33n');
    });
    it('refuses text, other files and stickers', () => {
      expect(accepts(type, 'here it is')).toBe('refused');
      expect(answer(type, pdf)).toBe('refused');
      expect(answer(type, { kind: 'sticker', mime: 'image/webp', ref: 'st1' })).toBe('refused');
    });
    it('reports a picture whose bytes were not kept, unless a kept one came too', () => {
      expect(answer(type, tooLarge)).toBe('not kept');
      expect(answer(type, tooLarge, photo)).toBe('media:ph0t0');
    });
  });

  describe('expect: file', () => {
    const type: Expect = { type: 'file' };
    it('takes a document, a picture, audio (voice notes too) or video', () => {
      expect(answer(type, pdf)).toBe('media:pdf1');
      expect(answer(type, photo)).toBe('media:ph0t0');
      expect(answer(type, { kind: 'audio', mime: 'audio/ogg', voice: true, ref: 'v01ce' })).toBe('media:v01ce');
      expect(answer(type, { kind: 'video', mime: 'video/mp4', ref: 'cl1p' })).toBe('media:cl1p');
    });
    it('refuses text, a sticker, a location and a contact card', () => {
      expect(accepts(type, 'invoice.pdf')).toBe('refused');
      expect(answer(type, { kind: 'sticker', ref: 'st1' }, here, { kind: 'contact', contact: { name: 'Mona' } })).toBe('refused');
    });
    it('reports a file whose bytes were not kept', () => {
      expect(answer(type, { ...pdf, ref: undefined, refused: 'could not be fetched' })).toBe('not kept');
    });
  });

  describe('expect: location', () => {
    const type: Expect = { type: 'location' };
    it('saves the coordinates as "<latitude>,<longitude>"', () => {
      expect(answer(type, photo, here)).toBe('30.0444,31.2357');
    });
    it('refuses an address typed out and other attachments', () => {
      expect(accepts(type, 'Tahrir Square, Cairo')).toBe('refused');
      expect(answer(type, photo)).toBe('refused');
    });
  });
});

describe('an invalid answer that still tries to answer', () => {
  it('is a rating in a few words, written out, or in stars; not a sentence that says something else', () => {
    const rating: Expect = { type: 'number' };
    for (const text of ['4 thanks', '5/5', 'five', 'Five stars!', '⭐⭐⭐⭐', '👍', '٤ من ٥', 'خمسة']) expect(triesToAnswer(rating, { text }), text).toBe(true);
    for (const text of ['wait, I also have a problem with my invoice', 'one more thing', 'my order 1234 never arrived', 'hello', '']) {
      expect(triesToAnswer(rating, { text }), text).toBe(false);
    }
    expect(triesToAnswer(rating, { attachments: [{ kind: 'image', ref: 'ab12' }] })).toBe(false);
  });

  it('is a choice\'s title among a few words', () => {
    const survey: Expect = { type: 'choice', choices };
    expect(triesToAnswer(survey, { text: 'billing thanks' })).toBe(true);
    expect(triesToAnswer(survey, { text: 'can I change my address?' })).toBe(false);
  });
});
