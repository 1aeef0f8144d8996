// What a customer says beside the email or phone number a question asks for: a need (kept, so it is not asked again)
// or only courtesies, a correction or a refusal (nothing).
import { describe, expect, it } from 'vitest';
import { besideAnswer, besideKnown, type Reading } from '../../src/flows/beside.ts';
import type { Expect } from '../../src/flows/expect.ts';

const email: Expect = { type: 'email' };
const phone: Expect = { type: 'phone', country: 'GB' };

describe('the words beside an answer to an email or phone question', () => {
  it.each<[string, Expect, string]>([
    ['my email is bob at, I need a refund for order 123', email, 'I need a refund for order 123'],
    ["It's bob@example.com, and my parcel never arrived", email, 'my parcel never arrived'],
    ['I was charged twice at checkout. bob@example.com', email, 'I was charged twice at checkout.'],
    ['Email: bob@example.com. I need to change my delivery address', email, 'I need to change my delivery address'],
    ['بريدي bob@example.com، وعندي مشكلة في الفاتورة', email, 'وعندي مشكلة في الفاتورة'],
    ['call me on 07400 123456 please, my router is broken', phone, 'my router is broken'],
    ['رقمي 0501234567، والطلب لم يصل', phone, 'والطلب لم يصل'],
    ['Sure! my email is sam@example.com, and the jacket I ordered never arrived', email, 'the jacket I ordered never arrived'],
    ['Thanks! I was charged twice. Cheers, sam@example.com', email, 'I was charged twice.'],
  ])('keep a need said beside the detail: %j', (text, expect_, need) => {
    expect(besideAnswer(expect_, text, 'Maya')).toBe(need);
  });

  it.each<[string, Expect]>([
    ['bob@example.com', email],
    ['maya @ example . com', email],
    ["sure, it's maya@example.com, thanks a lot!", email],
    ['yes of course, maya@example.com, thank you so much', email],
    ['oops, typo. maya@example.com', email],
    ['Maya here. maya@example.com', email],
    ['تفضل maya@example.com شكرا', email],
    ["I'd rather not say", email],
    ['sure, 07400 123456', phone],
    ['my parcel number 123 never arrived', phone],
    ['3, and my parcel never arrived', { type: 'number' }],
  ])('keep nothing for courtesies, a correction, no try at the detail, or another question: %j', (text, expect_) => {
    expect(besideAnswer(expect_, text, 'Maya')).toBeUndefined();
  });
});

describe('what a customer writes to a question whose answer an admin gave meanwhile', () => {
  // As the shipped model reads these clauses: a need it routes, or small talk it is sure of.
  const model: Record<string, Reading> = {
    'I was already charged twice for my invoice': 'need',
    'تم خصم المبلغ مرتين بالفعل': 'need',
    'the app crashes when I open it': 'need',
    'hi': 'aside',
    'already told you': 'aside',
  };
  const reads = (clause: string): Reading => model[clause];

  it.each<[string, string | undefined]>([
    ['I was already charged twice for my invoice', 'I was already charged twice for my invoice'],
    ['تم خصم المبلغ مرتين بالفعل', 'تم خصم المبلغ مرتين بالفعل'],
    ['I gave it to your colleague, and the app crashes when I open it', 'the app crashes when I open it'],
    ['hi', undefined],
    ['already told you', undefined],
    ['I gave it to your colleague on the phone', undefined],
  ])('keeps what the model reads as a need, whatever words point back, and drops the rest: %j', (text, need) => {
    expect(besideKnown(email, text, 'Maya', reads)).toBe(need);
  });

  it('judges by the words alone while no model serves: a clause that points back is about the question', () => {
    expect(besideKnown(email, 'I was already charged twice for my invoice', 'Maya')).toBeUndefined();
    expect(besideKnown(email, 'I was charged twice for my invoice', 'Maya')).toBe('I was charged twice for my invoice');
  });
});
