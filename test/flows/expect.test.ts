import { describe, expect, it } from 'vitest';
import { checkAnswer, type Expect } from '../../src/flows/expect.ts';

const choices = [
  { id: 'billing', title: 'Billing' },
  { id: 'tech', title: 'Problème technique' },
  { id: 'sales', title: 'مبيعات' },
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
  ])('accepts %j as %s', (text, value) => {
    expect(accepts({ type: 'date' }, text)).toBe(value);
  });
  it.each(['2025-02-29', '31/4/2025', '2025-13-01', '0/1/2025', 'tomorrow', '3/15'])('refuses the impossible or unreadable %j', (text) => {
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
  it('matches the title regardless of case, accents and spaces', () => {
    expect(accepts(type, '  billing ')).toBe('billing');
    expect(accepts(type, 'PROBLEME   technique')).toBe('tech');
    expect(accepts(type, 'مبيعات')).toBe('sales');
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
