// How team.yaml names an agent on Telegram (their numeric user id) and a team's desk (a supergroup's chat id).
import type { AddressKey } from '../../handover/team.ts';

/** `telegram: 9001` in team.yaml; `telegram_desk: -1001234567890` for a team working in a forum supergroup. */
export const telegramAddress: AddressKey = {
  key: 'telegram',
  channels: ['telegram'],
  hint: 'the agent\'s numeric Telegram user id, e.g. telegram: 9001',
  example: () => 'telegram: 9001',
  normalize: (value) => (/^\d{1,20}$/.test(value.trim()) ? value.trim() : undefined),
  desk: { channel: 'telegram', hint: 'the chat id of a Telegram supergroup with topics, e.g. telegram_desk: -1001234567890' },
};
