// The one way to key a person's address on a channel (or a channel's message id) in a map.

/**
 * A map key for `id` on `channel`; no channel name or id can make two different pairs collide.
 *
 *     byIdentity.set(identityKey('telegram', '9001'), omar);
 */
export const identityKey = (channel: string, id: string): string => `${channel}\u0000${id}`;
