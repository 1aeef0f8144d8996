// The eval figures of an admin's training data: stratified k-fold cross-validation with a fixed seed, per-intent
// accuracy, the pairs most confused, and the share of held-out background sentences rejected.
import { describe, expect, it } from 'vitest';
import { crossValidate, type DataEvaluation } from '../../../src/bot/nlp/cross-validation.ts';
import type { Example } from '../../../src/bot/nlp/datasets.ts';

const of = (intent: string, texts: string[]): Example[] => texts.map((text) => ({ text, intent }));
const billing = of('billing', [
  'I was charged twice this month', 'there is a double charge on my card', 'I want a refund of my payment',
  'why is my invoice so high', 'the charge on my card is wrong', 'please refund the double payment',
]);
const support = of('tech_support', [
  'the app crashes when I log in', 'I cannot log in to the app', 'the app freezes on start',
  'the login page shows an error', 'the app keeps crashing on my phone',
]);
const background = ['good morning', 'how is the weather today', 'tell me a joke', 'thanks a lot', 'what time is it', 'have a nice day'];

describe('cross-validation of the training data', () => {
  it('uses min(5, the smallest intent) folds and counts every example and background sentence once', () => {
    const three = of('sales', ['how much is the premium plan', 'I want to buy the pro plan', 'what does the business plan cost']);
    const figures = crossValidate([...billing, ...support, ...three], background, { threshold: 0.45 }) as DataEvaluation;
    expect(figures).toMatchObject({ folds: 3, seed: 1, threshold: 0.45, examples: 14 });
    expect(Object.fromEntries(figures.intents.map((intent) => [intent.intent, intent.examples]))).toEqual({ billing: 6, tech_support: 5, sales: 3 });
    expect(figures.background.sentences).toBe(background.length);
    expect(figures.background.rejected).toBeGreaterThanOrEqual(0);
    expect(figures.acceptedAccuracy).toBeLessThanOrEqual(figures.accuracy);
    // Worst intent first; the accuracies add up to the overall one.
    expect(figures.intents.map((intent) => intent.accuracy)).toEqual([...figures.intents.map((intent) => intent.accuracy)].sort((a, b) => a - b));
    expect(figures.intents.reduce((sum, intent) => sum + intent.accuracy * intent.examples, 0) / figures.examples).toBeCloseTo(figures.accuracy, 10);
  });

  it('gives the same figures for the same data: the folds come from a fixed seed, which they record', () => {
    const data = [...billing, ...support];
    const first = crossValidate(data, background, { threshold: 0.45 });
    expect(crossValidate(data.map((example) => ({ ...example })), [...background], { threshold: 0.45 })).toEqual(first);
    expect((crossValidate(data, background, { threshold: 0.45, seed: 7 }) as DataEvaluation).seed).toBe(7);
  });

  it('names the intents that an example filed under the wrong one mixes up', () => {
    const sales = of('sales', ['how much is the premium plan', 'I want to buy the pro plan', 'what does the business plan cost', 'can I upgrade my plan', 'do you have a discount on the yearly plan']);
    const between = (figures: DataEvaluation) => figures.confused
      .filter((pair) => [pair.intent, pair.mistakenFor].sort().join() === 'billing,tech_support')
      .reduce((sum, pair) => sum + pair.count, 0);
    const clean = crossValidate([...billing, ...support, ...sales], background, { threshold: 0.45 }) as DataEvaluation;
    const misfiled = of('tech_support', ['I was charged twice on my card, I want a refund', 'a double charge on my card, refund it please']);
    const mixed = crossValidate([...billing, ...support, ...sales, ...misfiled], background, { threshold: 0.45 }) as DataEvaluation;
    expect(between(mixed)).toBeGreaterThan(between(clean));
    expect([mixed.confused[0]!.intent, mixed.confused[0]!.mistakenFor].sort()).toEqual(['billing', 'tech_support']);
    expect(mixed.accuracy).toBeLessThan(clean.accuracy);
  });

  it('gives no figures where an intent has a single example, or there is one intent', () => {
    expect(crossValidate([...billing, ...of('sales', ['how much is the pro plan'])], background, { threshold: 0.45 })).toEqual({
      skipped: 'intent "sales" has 1 example; cross-validation needs at least 2 per intent',
    });
    expect(crossValidate(billing, background, { threshold: 0.45 })).toEqual({ skipped: 'cross-validation needs at least two intents' });
  });
});
