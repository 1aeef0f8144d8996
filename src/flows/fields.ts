// Field paths (`contact.email`, `conversation.need`): which ones exist, which a flow may write, and where
// each one lives on the Contact and Conversation records.
import type { KnownFileError } from '../shared/file-error.ts';
import type { Contact, Conversation, FieldValue } from '../store/types.ts';
import { personName } from '../shared/text.ts';

/** A checked field path, split once at load so running a step does no string work. */
export interface FieldRef {
  /** As written in the script, e.g. `contact.email`. */
  path: string;
  /** `queue`, `agent` and `closing` are read from what the moment gives (a notice's agent, the closing note). */
  scope: 'contact' | 'conversation' | 'queue' | 'agent' | 'closing';
  name: string;
}

/** What reading a field gives: a stored value, the contact's tags, or undefined when never set. */
export type FieldRead = FieldValue | readonly string[] | undefined;

/** Values a step may read besides the records, e.g. `{ 'queue.position': 3 }` while queued. */
export type ExtraFields = Readonly<Record<string, FieldValue>>;

/** Paths every flow may read without any flow saving them first. */
export const BUILTIN_FIELDS: readonly string[] = [
  'contact.name',
  'contact.id',
  'contact.language',
  'contact.tags',
  'conversation.id',
  'conversation.channel',
  'conversation.team',
  'conversation.intent',
  'conversation.first_message',
  'queue.position',
  'agent.name',
  'closing.note',
];

// Builtins a flow can read but not write; the hint says what to do instead.
const READ_ONLY: Readonly<Record<string, string>> = {
  'contact.id': 'contact ids are given by Switchboard',
  'contact.tags': 'use a tag step',
  'conversation.id': 'conversation numbers are given by Switchboard',
  'conversation.channel': 'the channel is where the customer wrote from',
  'conversation.first_message': 'Switchboard sets it to the message that opened the conversation when it says what the customer needs; copy it into a field of your own with set:',
  'queue.position': 'the queue position is set while a conversation waits for an agent',
  'agent.name': 'the agent is the one who took the conversation',
  'closing.note': 'the closing note is what the agent shared when closing',
};

// Record properties Switchboard manages itself: a field of the same name would silently not be them.
const MANAGED: Readonly<Record<'contact' | 'conversation', readonly string[]>> = {
  contact: ['identities', 'fields', 'createdAt', 'updatedAt'],
  conversation: [
    'contactId', 'status', 'stage', 'agentId', 'handledBy', 'fields', 'flow', 'source', 'openedAt', 'queuedAt',
    'assignedAt', 'firstResponseAt', 'firstResponseBy', 'firstResponseTeam', 'handOvers', 'lastAgentMessageAt', 'heldSince', 'awaitingCustomerSince', 'closedAt', 'closedBy',
    'closingNote',
  ],
};

/**
 * Names every JavaScript object answers to: `fields.__proto__ = 'x'` stores nothing, and the others read as if set. No
 * flow may write them; an older store may still hold them, which the dashboard shows and lets the admin remove.
 */
export const RESERVED_FIELD_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const FIELD_PATH = /^(contact|conversation|queue|agent|closing)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Splits a field path, or returns undefined when it is not one (`contact.<name>`, `conversation.<name>`).
 *
 *     parseFieldPath('contact.email'); // { path: 'contact.email', scope: 'contact', name: 'email' }
 */
export function parseFieldPath(path: string): FieldRef | undefined {
  const match = FIELD_PATH.exec(path);
  if (!match) return undefined;
  return { path, scope: match[1] as FieldRef['scope'], name: match[2]! };
}

/**
 * Why a flow may not write this field (with the fix), or undefined when it may.
 *
 *     writeRefusal(parseFieldPath('conversation.status')!); // { reason: '…managed by Switchboard', hint: … }
 */
export function writeRefusal(field: FieldRef): { reason: string; hint: string; known: KnownFileError } | undefined {
  const known: KnownFileError = { kind: 'fieldNotWritable', field: field.path, managed: false };
  const readOnly = Object.hasOwn(READ_ONLY, field.path) ? READ_ONLY[field.path] : undefined;
  if (readOnly !== undefined) return { reason: `"${field.path}" cannot be written by a flow`, hint: readOnly, known };
  if (field.scope === 'queue' || field.scope === 'agent' || field.scope === 'closing') {
    return { reason: `"${field.path}" cannot be written by a flow`, hint: 'save to contact.<field> or conversation.<field>', known };
  }
  if (RESERVED_FIELD_NAMES.includes(field.name)) {
    return {
      reason: `"${field.path}" is a name JavaScript keeps for itself: an answer saved to it would be lost`,
      hint: `pick another field name, e.g. ${field.scope}.<field>`,
      known: { kind: 'reservedField', field: field.path },
    };
  }
  if (MANAGED[field.scope].includes(field.name)) {
    return {
      reason: `"${field.path}" is managed by Switchboard`,
      hint: field.path === 'conversation.status' ? 'use a close step' : 'pick another field name',
      known: { ...known, managed: true },
    };
  }
  return undefined;
}

/**
 * Reads a field from the records (builtins from their properties, the rest from `fields`).
 *
 *     readField(parseFieldPath('contact.name')!, contact, conversation); // 'Mona'
 */
export function readField(field: FieldRef, contact: Contact, conversation: Conversation, extra: ExtraFields = {}): FieldRead {
  if (field.path in extra) return extra[field.path];
  switch (field.path) {
    case 'contact.name': return contact.name;
    case 'contact.id': return contact.id;
    case 'contact.language': return contact.language;
    case 'contact.tags': return contact.tags;
    case 'conversation.id': return conversation.id;
    case 'conversation.channel': return conversation.channel;
    case 'conversation.team': return conversation.team;
    case 'conversation.intent': return conversation.intent;
  }
  // Own fields only: a field named like an object's own property (constructor) is unset until a flow writes it.
  const fields = field.scope === 'contact' ? contact.fields : field.scope === 'conversation' ? conversation.fields : {};
  return Object.hasOwn(fields, field.name) ? fields[field.name] : undefined;
}

/**
 * Writes a field on the records; `null` clears it. The caller checked `writeRefusal` at load.
 *
 *     writeField(parseFieldPath('conversation.need')!, contact, conversation, 'refund');
 */
export function writeField(field: FieldRef, contact: Contact, conversation: Conversation, value: FieldValue): void {
  const text = value === null ? undefined : String(value);
  switch (field.path) {
    case 'contact.name': return assign(contact, 'name', text === undefined ? undefined : personName(text));
    case 'contact.language': return assign(contact, 'language', text);
    case 'conversation.team': return assign(conversation, 'team', text);
    case 'conversation.intent': return assign(conversation, 'intent', text);
  }
  if (field.scope === 'contact') contact.fields[field.name] = value;
  else if (field.scope === 'conversation') conversation.fields[field.name] = value;
}

/**
 * True when a field holds something: not unset, null, empty text or an empty list.
 *
 *     isKnown(contact.fields.email); // false until the contact gave an email
 */
export function isKnown(value: FieldRead): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

// Optional string properties are deleted rather than set to undefined, so the stored JSON stays clean.
function assign<T extends object, K extends keyof T>(record: T, key: K, value: string | undefined): void {
  if (value === undefined) delete record[key];
  else record[key] = value as T[K];
}
