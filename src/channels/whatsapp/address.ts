// How team.yaml names an agent on WhatsApp: their phone number, in any usual writing. Both WhatsApp channels
// (WhatsApp Web and the Cloud API) address people by the number's digits with the country code, no "+".
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { AddressKey } from '../../handover/team.ts';

/**
 * A phone number as WhatsApp writes it, or undefined when it is not a valid number with its country code.
 *
 *     whatsappNumber('+1 (555) 000-1234'); // '15550001234'
 */
export function whatsappNumber(value: string): string | undefined {
  const trimmed = value.trim();
  const number = parsePhoneNumberFromString(trimmed.startsWith('+') ? trimmed : `+${trimmed}`);
  return number?.isPossible() ? number.number.slice(1) : undefined;
}

/** `whatsapp: "+15550001"` in team.yaml: reaches the agent on either WhatsApp channel. */
export const whatsappAddress: AddressKey = {
  key: 'whatsapp',
  channels: ['whatsapp-web', 'whatsapp-cloud'],
  hint: 'the agent\'s WhatsApp number with its country code, in quotes, e.g. whatsapp: "+15550001234"',
  example: () => 'whatsapp: "+15550001234"',
  normalize: whatsappNumber,
};
