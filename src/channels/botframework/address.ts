// Who is writing, as an address of the Bot Framework channel, and how team.yaml names an agent on Teams. An address
// is `<channelId>:<user id>`: a Teams user by their Entra (AAD) object id, stable across bots and tenants' apps,
// anyone else by the id their channel gives. The channel id comes first because a Web Chat or Direct Line page may
// choose its user's id: without it, a visitor calling themselves an agent's object id would be that agent. For the
// same reason a Web Chat or Direct Line visitor is their conversation (`webchat:conversation:<id>`), which only the
// holder of its Direct Line token can write in: a user id the page chose would let a stranger who learned it read a
// customer's replies and write as them. Only where the Azure Bot's Enhanced authentication makes Direct Line put the
// user id of the token (`dl_…`, which the operator's server issued) on every activity is the user id the person.
import type { AddressKey } from '../../handover/team.ts';

/** The channel's name, as messages and identities carry it. */
export const CHANNEL = 'botframework';

/** Microsoft Teams' channel id in Bot Framework activities. */
export const TEAMS = 'msteams';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A Teams user id as the Bot Framework gives it (`29:1abc…`). */
const TEAMS_USER_ID = /^29:[A-Za-z0-9_-]{1,256}$/;

/** The channels whose page (Web Chat, any Direct Line client) chooses the user id its activities carry. */
const PAGE_CHOSEN_IDS = new Set(['webchat', 'directline', 'directlinespeech']);
/** Those of them where Enhanced authentication can make the user id the channel's: BOTFRAMEWORK_TRUSTED_USER_IDS. */
export const TRUSTABLE_CHANNELS = ['webchat', 'directline'] as const;
/** Enhanced authentication takes only user ids that begin so; any other was not checked by Direct Line. */
const DIRECT_LINE_USER_ID = /^dl_/;

/**
 * The address of the person an activity is from; `trusted`: the channels whose user ids Enhanced authentication vouches for.
 *
 *     personAddress('msteams', { id: '29:1abc', aadObjectId: '0F8F…' }, 'a:1conv');       // 'msteams:0f8f…'
 *     personAddress('webchat', { id: 'dl_123' }, 'Dz1F-us');                               // 'webchat:conversation:Dz1F-us'
 *     personAddress('webchat', { id: 'dl_123' }, 'Dz1F-us', new Set(['webchat']));         // 'webchat:dl_123'
 */
export function personAddress(channelId: string, from: { id: string; aadObjectId?: string | undefined }, conversationId: string, trusted: ReadonlySet<string> = new Set()): string {
  if (channelId === TEAMS && from.aadObjectId !== undefined && GUID.test(from.aadObjectId)) return `${TEAMS}:${from.aadObjectId.toLowerCase()}`;
  if (PAGE_CHOSEN_IDS.has(channelId) && !(trusted.has(channelId) && DIRECT_LINE_USER_ID.test(from.id))) return `${channelId}:conversation:${conversationId}`;
  return `${channelId}:${from.id}`;
}

/**
 * The address a Web Chat or Direct Line visitor has under the other reading of their channel's user ids (by user id
 * when `address` is by conversation, and the reverse), where a contact of theirs from before this version, or from
 * before BOTFRAMEWORK_TRUSTED_USER_IDS changed, is kept; undefined on other channels.
 *
 *     otherAddress({ channelId: 'webchat', userId: 'dl_123', conversationId: 'Dz1F-us' }, 'webchat:conversation:Dz1F-us'); // 'webchat:dl_123'
 */
export function otherAddress(reference: { channelId?: string | undefined; userId?: string | undefined; conversationId?: string | undefined }, address: string): string | undefined {
  const { channelId, userId, conversationId } = reference;
  if (channelId === undefined || userId === undefined || conversationId === undefined || !PAGE_CHOSEN_IDS.has(channelId)) return undefined;
  const byConversation = `${channelId}:conversation:${conversationId}`;
  return address === byConversation ? `${channelId}:${userId}` : byConversation;
}

/**
 * BOTFRAMEWORK_TRUSTED_USER_IDS read: the channels named, and the names that are not channels it may name.
 *
 *     trustedChannels('webchat, directline'); // { channels: ['webchat', 'directline'], refused: [] }
 *     trustedChannels('msteams');             // { channels: [], refused: ['msteams'] }
 */
export function trustedChannels(setting: string | undefined): { channels: string[]; refused: string[] } {
  const named = (setting ?? '').split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  const trustable: readonly string[] = TRUSTABLE_CHANNELS;
  return { channels: named.filter((name) => trustable.includes(name)), refused: named.filter((name) => !trustable.includes(name)) };
}

/** `msteams: 0f8f4c7e-…` in team.yaml: the agent's Entra object id (or their Teams user id, 29:…). */
export const msteamsAddress: AddressKey = {
  key: 'msteams',
  channels: [CHANNEL],
  hint: 'the agent\'s Microsoft Entra object id as Teams gives it, e.g. msteams: 0f8f4c7e-2b1d-4c59-9a5e-3f2d8e6b1a90 (or their Teams user id, 29:…)',
  example: () => 'msteams: 0f8f4c7e-2b1d-4c59-9a5e-3f2d8e6b1a90',
  normalize: (value) => {
    const trimmed = value.trim();
    if (GUID.test(trimmed)) return `${TEAMS}:${trimmed.toLowerCase()}`;
    return TEAMS_USER_ID.test(trimmed) ? `${TEAMS}:${trimmed}` : undefined;
  },
};
