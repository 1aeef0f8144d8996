// (A helper's test.) idsOfContacts against a plain filter, with random ids (quotes, backslashes, control characters,
// unicode, lone surrogates, "contactId" inside) and fields naming contacts in keys, values and nested objects.
import { expect, it } from 'vitest';
import { ConversationTable } from '../../src/store/text-tables.ts';
import type { Conversation } from '../../src/store/types.ts';
import { conversation } from './helpers.ts';

const pieces = ['a', '"', '\\', '\\"', '"contactId":"', 'contactId', ':', '\u0000', '\n', 'é', 'ليلى', '😀', '\ud800', '\udc00', '\u2028', '}', '{', ',', ' '];
let seed = 44;
const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
const word = (): string => Array.from({ length: 1 + rand(4) }, () => pieces[rand(pieces.length)]).join('');

it('finds exactly the conversations of the contacts asked for', () => {
  const ids = Array.from({ length: 30 }, word);
  const table = new ConversationTable<Conversation>();
  const all: Conversation[] = [];
  for (let id = 1; id <= 3000; id++) {
    const fields: Record<string, unknown> = {};
    for (let k = rand(4); k > 0; k--) fields[rand(2) ? word() : 'contactId'] = rand(3) === 0 ? { contactId: ids[rand(ids.length)] } : ids[rand(ids.length)];
    const each = { ...conversation(id, ids[rand(ids.length)] as string, rand(5) === 0 ? 'open' : 'closed'), fields: fields as Record<string, string> };
    all.push(each);
    table.set(id, each);
  }
  for (let round = 0; round < 200; round++) {
    const asked = new Set(Array.from({ length: 1 + rand(8) }, () => ids[rand(ids.length)] as string));
    const expected = all.filter((c) => asked.has(c.contactId)).map((c) => c.id);
    expect(table.idsOfContacts(asked), JSON.stringify([...asked])).toEqual(expected);
  }
});

it('keeps finding them as conversations close, change contact, are deleted and come back (the index by contact)', () => {
  const ids = Array.from({ length: 12 }, word);
  const table = new ConversationTable<Conversation>();
  const stored = new Map<number, Conversation>();
  for (let step = 0; step < 4000; step++) {
    // Out of order now and then, and past the ids kept as text.
    const id = rand(10) === 0 ? 2 ** 24 + rand(50) : 1 + rand(400);
    if (rand(6) === 0) {
      expect(table.delete(id)).toBe(stored.delete(id));
      continue;
    }
    const each = conversation(id, ids[rand(ids.length)] as string, rand(3) === 0 ? 'open' : 'closed');
    table.set(id, each);
    stored.set(id, each);
    if (step % 100 === 0) {
      const asked = new Set(Array.from({ length: 1 + rand(5) }, () => ids[rand(ids.length)] as string));
      expect(table.idsOfContacts(asked)).toEqual([...stored.values()].filter((c) => asked.has(c.contactId)).map((c) => c.id).sort((a, b) => a - b));
    }
  }
  for (const contactId of ids) expect(table.idsOfContact(contactId)).toEqual([...stored.values()].filter((c) => c.contactId === contactId).map((c) => c.id).sort((a, b) => a - b));
});
