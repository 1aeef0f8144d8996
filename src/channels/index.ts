// The channels as a table: what each one states about addresses in team.yaml. Adding a channel adds a row.
// Messenger and Instagram have none: they reach customers only (an agent works from another channel's app).
import type { AddressKey } from '../handover/team.ts';
import { msteamsAddress } from './botframework/address.ts';
import { telegramAddress } from './telegram/address.ts';
import { webchatAddress } from './webchat/address.ts';
import { whatsappAddress } from './whatsapp/address.ts';

/** The keys team.yaml may use for an agent's address (and a team's desk), in the order errors list them. */
export const ADDRESS_KEYS: readonly AddressKey[] = [telegramAddress, whatsappAddress, msteamsAddress, webchatAddress];
