// The rules a flow script's schemas state in their own words, each under the kind a page words it by: a schema
// writes its rule's sentence from here, and the compiler knows the kind of a refusal by the sentence.
import type { SchemaRule } from '../shared/file-error.ts';

/** Each rule's sentence, as the schemas write it and the log says it. */
export const SCHEMA_RULES: Readonly<Record<SchemaRule, string>> = {
  badFlowName: 'a flow name is letters, digits, "_" and "-", e.g. inbound',
  badStepId: 'a step id is letters, digits, "_" and "-", e.g. ask_email',
  badLanguageTag: 'use a language code like en, ar or pt-BR',
  labelNotOneLine: 'a label is one line',
  notText: 'must be a text, or a text per language like { en: "Hello", ar: "مرحبا" }',
  badTimeout: 'timeout is a duration like 90s, 10m, 2h or 1d (a bare number is seconds)',
  badClose: 'close needs true or a closing note, e.g. close: "Answered by the bot"',
  badTag: 'tag needs a tag or a list of tags, e.g. tag: [vip, wholesale]',
  badChoice: 'a choice is a text, or a map like { id: refund, title: "Get a refund" } (the title may be { en: …, ar: … })',
  badRoute: 'a route is a team, or { team: Billing, title: { en: Billing, ar: الفواتير } } to title its button',
  badSetValue: 'a value is a text, a number, true, false or null',
  badCase: 'a case is { if: { <field>: <condition> }, goto: <id> } or { else: <id> }',
};

/** The `params` of a refinement refusing a map with nothing in it (`set: {}`): it is then of the kind `empty`. */
export const EMPTY = { empty: true } as const;

const BY_SENTENCE = new Map(Object.entries(SCHEMA_RULES).map(([rule, sentence]) => [sentence, rule as SchemaRule]));

/**
 * The rule a schema's message states, if it is one of `SCHEMA_RULES`.
 *
 *     schemaRule(issue.message); // 'badStepId'
 */
export function schemaRule(message: string): SchemaRule | undefined {
  return BY_SENTENCE.get(message);
}
