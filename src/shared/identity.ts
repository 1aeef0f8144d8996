// The one way to key a person's address on a channel (or a channel's message id) in a map.

/**
 * A map key for `id` on `channel`; no channel name or id can make two different pairs collide.
 *
 *     byIdentity.set(identityKey('telegram', '9001'), omar);
 *
 * Joined rather than concatenated: a concatenation of 13 characters or more is a rope of the parts (V8's cons
 * string), which a map keeps as it is, parts included: 96 bytes a key where the flat string is 40, and the embedded
 * store keeps two such keys per address, and more for the messages it holds in memory.
 */
export const identityKey = (channel: string, id: string): string => [channel, id].join('\u0000');

/** How many characters of a nameless customer's contact id tell them apart. */
const CONTACT_TAG_CHARS = 4;

/**
 * What tells a nameless customer apart from another, wherever agents and admins read them ("Customer 3f9a" on cards,
 * "Unnamed contact 3f9a" on the dashboard): the start of their contact id, which the dashboard's contact search finds.
 *
 *     contactTag({ id: '3f9a2c61-…' }); // '3f9a'
 */
export function contactTag(contact: { id: string }): string {
  return contact.id.slice(0, CONTACT_TAG_CHARS);
}
