// Message templates: "Hi {{contact.name | there}}!" parsed once at load, filled in when a step runs.
import type { KnownFileError } from '../shared/file-error.ts';
import type { Contact, Conversation, FieldValue, TextStyle } from '../store/types.ts';
import { readMarkupWithSources } from '../shared/markup.ts';
import { isKnown, parseFieldPath, readField, type ExtraFields, type FieldRef } from './fields.ts';

/** A placeholder: the field to show, and what to show when the field is empty. */
export interface Placeholder {
  field: FieldRef;
  fallback?: string;
}

/** A parsed template: literal text and placeholders in order. */
export interface Template {
  source: string;
  parts: readonly (string | Placeholder)[];
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/**
 * Parses a template, or says what is wrong with it (an unclosed `{{`, a placeholder that is no field path).
 * Whether the fields exist is the loader's business: it knows what every flow saves.
 *
 *     const parsed = parseTemplate('Hi {{contact.name | there}}!');
 *     if ('template' in parsed) renderTemplate(parsed.template, contact, conversation);
 */
export function parseTemplate(source: string): { template: Template } | { reason: string; hint: string; known: KnownFileError } {
  const parts: (string | Placeholder)[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    parts.push(source.slice(last, match.index));
    const [rawPath = '', ...rest] = match[1]!.split('|');
    const path = rawPath.trim();
    const field = parseFieldPath(path);
    if (!field) {
      return {
        reason: `"{{${match[1]}}}" does not name a field`,
        hint: 'write {{contact.<field>}} or {{conversation.<field>}}, with an optional fallback: {{contact.name | there}}',
        known: { kind: 'placeholderNotField', placeholder: `{{${match[1]}}}` },
      };
    }
    parts.push(rest.length > 0 ? { field, fallback: rest.join('|').trim() } : { field });
    last = match.index + match[0].length;
  }
  parts.push(source.slice(last));
  const literal = parts.filter((part) => typeof part === 'string').join('');
  if (literal.includes('{{') || literal.includes('}}')) {
    return { reason: 'unbalanced "{{" or "}}" in the text', hint: 'close each {{ with }}: placeholders look like {{contact.name}}', known: { kind: 'unbalancedBraces' } };
  }
  return { template: { source, parts: parts.filter((part) => part !== '') } };
}

/**
 * The fields a template reads, for the loader's check that they exist.
 *
 *     templateFields(template).map((field) => field.path); // ['contact.name']
 */
export function templateFields(template: Template): FieldRef[] {
  return template.parts.flatMap((part) => (typeof part === 'string' ? [] : [part.field]));
}

/**
 * Fills in a template; an empty field shows its fallback, or nothing.
 *
 *     renderTemplate(template, contact, conversation, { 'queue.position': 3 }); // 'You are number 3 in line.'
 */
export function renderTemplate(template: Template, contact: Contact, conversation: Conversation, extra?: ExtraFields): string {
  return template.parts
    .map((part) => (typeof part === 'string' ? part : show(placeholderValue(part, contact, conversation, extra))))
    .join('');
}

/**
 * Stands for a placeholder while the template's own words are read: one unit, so that offsets hold, neither a marker nor
 * a letter nor a space. Known by where it stands, not by what it is: a text may hold the same character.
 */
const FIELD = '\uE000';
/** Stands for a marker the admin escaped (`\\*`), so that it is not read; known by where it stands too. */
const ESCAPED = '\uE001';
const ESCAPE = /\\([*_~`])/g;

/**
 * Fills in a template whose words the admin styled in WhatsApp's markup (`*Thanks!*`): the words without the markers,
 * and their styles, which each channel shows its own way. A field's value is never read as markup (a name "_Layla_"
 * stays as written), and a marker written after a backslash (`\\*`) is shown as it is; every other character shows as
 * written.
 *
 *     renderStyled(parseTemplate('*Thanks*, {{contact.name}}').template, contact, conversation); // { text: 'Thanks, _Layla_', styles: [{ style: 'bold', offset: 0, length: 6 }] }
 */
export function renderStyled(template: Template, contact: Contact, conversation: Conversation, extra?: ExtraFields): { text: string; styles: TextStyle[] } {
  const { words, styles: read, slots } = readOnce(template);
  let text = '';
  let styles = read;
  let last = 0;
  for (const { at, put } of slots) {
    text += words.slice(last, at);
    const shown = typeof put === 'string' ? put : show(placeholderValue(put, contact, conversation, extra));
    styles = widened(styles, text.length, shown.length - 1);
    text += shown;
    last = at + 1;
  }
  text += words.slice(last);
  // Copies: the read styles are the template's, kept for its next message.
  return { text, styles: styles.filter((style) => style.length > 0).map((style) => ({ ...style })) };
}

/** A template's words read out of their markup, once: what only its values change is filled in at each message. */
interface ReadTemplate {
  /** The words without the markers, a stand-in unit where a field's value or an escaped marker goes. */
  words: string;
  styles: TextStyle[];
  /** Each stand-in's index in `words`, in order, and what shows there: a field's value, or the marker as written. */
  slots: { at: number; put: Placeholder | string }[];
}

/** By template: a flow's are parsed once at load and read at every message that says them. */
const readTemplates = new WeakMap<Template, ReadTemplate>();

function readOnce(template: Template): ReadTemplate {
  const known = readTemplates.get(template);
  if (known) return known;
  // What stands at an index of `written`: a field, or an escaped marker, shown in its place.
  const standIns = new Map<number, Placeholder | string>();
  let written = '';
  for (const part of template.parts) {
    if (typeof part !== 'string') {
      standIns.set(written.length, part);
      written += FIELD;
      continue;
    }
    let last = 0;
    for (const match of part.matchAll(ESCAPE)) {
      written += part.slice(last, match.index);
      standIns.set(written.length, match[1]!);
      written += ESCAPED;
      last = match.index + match[0].length;
    }
    written += part.slice(last);
  }
  const read = readMarkupWithSources(written);
  const slots: ReadTemplate['slots'] = [];
  // By UTF-16 unit, as `sources` counts them.
  for (let index = 0; index < read.text.length; index++) {
    const put = standIns.get(read.sources[index]!);
    if (put !== undefined) slots.push({ at: index, put });
  }
  const made = { words: read.text, styles: read.styles, slots };
  readTemplates.set(template, made);
  return made;
}

/** `styles` once the one unit at `at` became `grown` + 1 units: a style over it grows (or shrinks) with it, those after it move. */
function widened(styles: readonly TextStyle[], at: number, grown: number): TextStyle[] {
  return styles.map((style) => {
    if (style.offset > at) return { ...style, offset: style.offset + grown };
    if (style.offset + style.length > at) return { ...style, length: style.length + grown };
    return style;
  });
}

/**
 * Like `renderTemplate`, but a template that is exactly one placeholder keeps the field's type, so
 * `set: { conversation.age: "{{contact.age}}" }` copies a number as a number.
 *
 *     templateValue(parseTemplate('{{contact.vip}}').template, contact, conversation); // true
 */
export function templateValue(template: Template, contact: Contact, conversation: Conversation): FieldValue {
  const [only, ...others] = template.parts;
  if (only !== undefined && typeof only !== 'string' && others.length === 0) {
    const value = placeholderValue(only, contact, conversation);
    return Array.isArray(value) ? value.join(', ') : (value as FieldValue);
  }
  return renderTemplate(template, contact, conversation);
}

function placeholderValue(part: Placeholder, contact: Contact, conversation: Conversation, extra?: ExtraFields) {
  const value = readField(part.field, contact, conversation, extra);
  if (isKnown(value)) return value;
  return part.fallback ?? null;
}

function show(value: ReturnType<typeof placeholderValue>): string {
  if (value === null || value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}
