// Who is writing, as an address of the Bot Framework channel, and how team.yaml names an agent on Teams. An address
// is `<channelId>:<user id>`: a Teams user by their Entra (AAD) object id, stable across bots and tenants' apps,
// anyone else by the id their channel gives. The channel id comes first because a Web Chat or Direct Line page may
// choose its user's id: without it, a visitor calling themselves an agent's object id would be that agent.
import type { AddressKey } from '../../handover/team.ts';

/** The channel's name, as messages and identities carry it. */
export const CHANNEL = 'botframework';

/** Microsoft Teams' channel id in Bot Framework activities. */
export const TEAMS = 'msteams';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A Teams user id as the Bot Framework gives it (`29:1abc…`). */
const TEAMS_USER_ID = /^29:[A-Za-z0-9_-]{1,256}$/;

/**
 * The address of the person an activity is from.
 *
 *     personAddress('msteams', { id: '29:1abc', aadObjectId: '0F8F…' }); // 'msteams:0f8f…'
 *     personAddress('webchat', { id: 'dl_123' });                         // 'webchat:dl_123'
 */
export function personAddress(channelId: string, from: { id: string; aadObjectId?: string | undefined }): string {
  if (channelId === TEAMS && from.aadObjectId !== undefined && GUID.test(from.aadObjectId)) return `${TEAMS}:${from.aadObjectId.toLowerCase()}`;
  return `${channelId}:${from.id}`;
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
