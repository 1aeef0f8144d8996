// Where one need may end and another begin in a customer's words (the classify step's two needs, `nlp try`).
import { describe, expect, it } from 'vitest';
import { needParts } from '../../src/shared/needs.ts';

describe('needParts', () => {
  it.each([
    // Before: «الطلب ما» + «وصل» (the و of وصل is the root's, not "and").
    ['الطلب ما وصل', ['الطلب ما وصل']],
    // Before: three parts, «دفعت مرتين» + «ما» + «وصلني شي».
    ['دفعت مرتين وما وصلني شي', ['دفعت مرتين وما وصلني شي']],
    // Before: «كلمة المرور ما» + «وصلت على الإيميل»: a negation keeps its verb.
    ['كلمة المرور ما وصلت على الإيميل', ['كلمة المرور ما وصلت على الإيميل']],
    ['الطلب ما وصل وأريد استرداد المبلغ', ['الطلب ما وصل', 'أريد استرداد المبلغ']],
  ])('does not split a need inside itself at a word that starts with و: %s', (text, parts) => {
    expect(needParts(text)).toEqual(parts);
  });

  it.each([
    ['دفعت مرتين والتطبيق يتوقف عند تسجيل الدخول', ['دفعت مرتين', 'التطبيق يتوقف عند تسجيل الدخول']],
    ['دفعت مرتين والتطبيق يتوقف', ['دفعت مرتين', 'التطبيق يتوقف']],
    // Before: «وأريد ترقية الباقة», with the و joining it; and «دفعت مرتين» too short beside a و read as maybe the root's.
    ['التطبيق ما يفتح وأريد ترقية الباقة', ['التطبيق ما يفتح', 'أريد ترقية الباقة']],
    ['دفعت مرتين وأريد ترقية الباقة', ['دفعت مرتين', 'أريد ترقية الباقة']],
    ['I was charged twice, and the app keeps crashing', ['I was charged twice', 'the app keeps crashing']],
  ])('still splits two needs joined by and / و: %s', (text, parts) => {
    expect(needParts(text)).toEqual(parts);
  });

  it.each([
    // Before: ['hi there', 'I was charged twice'], and `nlp try` said two needs, the greeting first.
    ['hi there and I was charged twice', ['I was charged twice']],
    ['مرحبا، بس تم خصم المبلغ مرتين', ['تم خصم المبلغ مرتين']],
    ['thanks, and also the app keeps crashing', ['the app keeps crashing']],
    ['hello and good morning', []],
  ])('keeps no greeting as a need of its own: %s', (text, parts) => {
    expect(needParts(text)).toEqual(parts);
  });
});
