// What agents and admins read of a conversation: each field under the label a flow gives it (`label:` beside an
// ask's `save:`, the flow's `fields:`), Switchboard's own for its builtins and for the fields channels fill in, else
// its path; and the intent as the title of the route that chose it. The agent's card, the agent console and the dashboard show the same words.
import { z } from 'zod';
import type { Conversation, Fields, FieldValue } from '../store/types.ts';
import { unlabelledNameOf } from './heard.ts';
import { byLanguage, localize, localizedSchema, type Localized } from './language.ts';
import { SCHEMA_RULES } from './rules.ts';
import type { CompiledFlow } from './types.ts';
import { readMarkup } from '../shared/markup.ts';

/** A field's label as a flow writes it: one line, or one per language (`{ en: Email, ar: البريد الإلكتروني }`). */
export const labelSchema = localizedSchema(
  z.string().trim().min(1, 'a label cannot be empty').max(60, 'a label is at most 60 characters: it names the field, its value follows').regex(/^[^\r\n]*$/, SCHEMA_RULES.labelNotOneLine),
);

// The fields Switchboard fills in itself that are kept among the conversation's fields.
const BUILTIN_LABELS: ReadonlyMap<string, Localized<string>> = new Map([
  ['conversation.first_message', { variants: new Map([['en', 'First message'], ['ar', 'الرسالة الأولى']]), fallback: 'First message' }],
  // Set by a classify step when the need names a second team's need too (classify.ts).
  ['conversation.also_asked', { variants: new Map([['en', 'Also asked'], ['ar', 'طلب آخر في الرسالة نفسها']]), fallback: 'Also asked' }],
]);

// Fields a channel fills in, named so unless a flow labels them itself.
const CHANNEL_LABELS: ReadonlyMap<string, Localized<string>> = new Map([
  // The m.me link's ref or the ad a person came by (Messenger, Instagram), a t.me link's /start payload (Telegram).
  ['contact.referral', { variants: new Map([['en', 'Came from'], ['ar', 'مصدر الوصول']]), fallback: 'Came from' }],
]);

/** How the flows name fields and intents for the people who read them. */
export interface Wording {
  /** By field path (`contact.email`). */
  readonly labels: ReadonlyMap<string, Localized<string>>;
  /** The title of the route that sets each intent (a `classify` step's `routes:`). */
  readonly intents: ReadonlyMap<string, Localized<string>>;
  /** By field path, what an Arabic reader calls a field no flow labels (`unlabelledNameOf`): «إجابة «ما رقم طلبك؟»». */
  readonly arabic?: ReadonlyMap<string, string>;
  /** By field path, what an English reader calls a field no flow labels (`unlabelledNameOf`): "Answer to “What's your order number?”". */
  readonly english?: ReadonlyMap<string, string>;
}

const NO_NAMES: ReadonlyMap<string, string> = new Map();

/** Names nothing: fields read as their paths, intents as they are. */
export const NO_WORDING: Wording = { labels: new Map([...BUILTIN_LABELS, ...CHANNEL_LABELS]), intents: new Map() };

/**
 * The labels and route titles of `flows`, the first flow's where two give one; Switchboard's own for its builtins.
 *
 *     const wording = wordingOf([conversationFlow, ...flowsInService]);
 */
export function wordingOf(flows: readonly CompiledFlow[]): Wording {
  const labels = new Map(BUILTIN_LABELS);
  const intents = new Map<string, Localized<string>>();
  const arabic = new Map<string, string>();
  const english = new Map<string, string>();
  for (const flow of flows) {
    for (const [field, label] of flow.labels) if (!labels.has(field)) labels.set(field, label);
    for (const step of flow.steps) {
      const path = step.kind === 'ask' ? step.spec.save?.path : undefined;
      const named = path === undefined || arabic.has(path) ? undefined : unlabelledNameOf(flow, path, 'ar');
      if (named !== undefined) arabic.set(path!, named);
      const inEnglish = path === undefined || english.has(path) ? undefined : unlabelledNameOf(flow, path, 'en');
      if (inEnglish !== undefined) english.set(path!, inEnglish);
    }
    for (const step of flow.steps) {
      if (step.kind !== 'classify') continue;
      for (const route of step.spec.routes) if (!intents.has(route.intent)) intents.set(route.intent, route.title);
    }
  }
  for (const [field, label] of CHANNEL_LABELS) if (!labels.has(field)) labels.set(field, label);
  for (const field of labels.keys()) {
    arabic.delete(field);
    english.delete(field);
  }
  return { labels, intents, arabic, english };
}

/** A field as a person reads it: its path, its label in their language, its value. */
export interface ShownField {
  key: string;
  label?: string;
  /**
   * What an agent reads when no flow labels the field: its name without the scope, underscores as spaces
   * (`order number` for `conversation.order_number`), or its path when the contact and the conversation both have it.
   */
  name: string;
  value: Exclude<FieldValue, null>;
}

/**
 * The fields a person reads of a conversation, its contact's first, labelled in `language`. Empty ones are
 * left out, and so is a builtin whose text a flow's field repeats: the shipped flow copies `first_message` into the need.
 *
 *     shownFields(contact.fields, conversation.fields, wording, 'ar'); // [{ key: 'contact.email', label: 'البريد الإلكتروني', value: … }]
 */
export function shownFields(contact: Fields, conversation: Fields, wording: Wording, language: string | undefined): ShownField[] {
  const written: [string, FieldValue][] = [
    ...Object.entries(contact).map(([name, value]): [string, FieldValue] => [`contact.${name}`, value]),
    ...Object.entries(conversation).map(([name, value]): [string, FieldValue] => [`conversation.${name}`, value]),
  ];
  const all = written.filter((entry): entry is [string, Exclude<FieldValue, null>] => entry[1] !== null && entry[1] !== '');
  const own = new Set(all.filter(([key, value]) => typeof value === 'string' && !BUILTIN_LABELS.has(key)).map(([, value]) => String(value).trim()));
  const nameOf = (key: string) => key.slice(key.indexOf('.') + 1);
  const names = all.map(([key]) => nameOf(key));
  const twice = new Set(names.filter((name, index) => names.indexOf(name) !== index));
  return all
    .filter(([key, value]) => !(BUILTIN_LABELS.has(key) && own.has(String(value).trim())))
    .map(([key, value]) => {
      const label = wording.labels.get(key);
      const name = twice.has(nameOf(key)) ? key : nameOf(key).replaceAll('_', ' ');
      // No flow labels it: the reader gets what its answer is, or the answer to its question, not "order".
      // The names in the reader's language only: an English question is no name for an Arabic reader.
      const unlabelled = label === undefined ? byLanguage({ en: wording.english ?? NO_NAMES, ar: wording.arabic ?? NO_NAMES }, language).get(key) : undefined;
      if (unlabelled !== undefined) return { key, label: unlabelled, name, value };
      return label === undefined ? { key, name, value } : { key, label: localize(label, language), name, value };
    });
}

/**
 * The title of the route that sets `intent`, in `language`; undefined for an intent no route titles.
 *
 *     routeTitle('billing', wording, 'ar'); // 'الفواتير' for a route titled { en: Billing, ar: الفواتير }
 */
export function routeTitle(intent: string, wording: Wording, language: string | undefined): string | undefined {
  const title = wording.intents.get(intent);
  // The words the clarify button shows: "*Billing*" is Billing, for the agent, the dashboard and the reports too.
  return title === undefined ? undefined : readMarkup(localize(title, language)).text;
}

/**
 * What a conversation is about, in `language`: the title of the route that set its intent, else the intent; undefined
 * without an intent, or when it says no more than the team's name (a route `billing: Billing`).
 *
 *     topicOf(conversation, wording, 'ar'); // 'الفواتير' for the intent billing of a route titled { en: Billing, ar: الفواتير }
 */
export function topicOf(conversation: Pick<Conversation, 'intent' | 'team'>, wording: Wording, language: string | undefined): string | undefined {
  if (conversation.intent === undefined) return undefined;
  const topic = routeTitle(conversation.intent, wording, language) ?? conversation.intent;
  return conversation.team !== undefined && topic.toLowerCase() === conversation.team.toLowerCase() ? undefined : topic;
}
