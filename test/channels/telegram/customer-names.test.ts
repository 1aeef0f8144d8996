// A customer's Telegram name as the agent's card, the bot's greeting and the stored contact read it: without the
// invisible characters that would fake or reorder it (U+202E shows "Dana 😀\u202Eevil" as "Dana 😀live"), with
// Arabic, emoji and the joiners inside emoji (👩‍💻) as the customer wrote them.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { OMAR, post, telegramServers, textNow as text } from './harness.ts';

const { setUp } = telegramServers();

const straightToBilling = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - assign: { team: Billing }
`;

/** A private text from `chat`, whose Telegram profile gives `first` and `last` as its name. */
function from(chat: number, first: string, last: string | undefined, body: string): Record<string, any> {
  const update = text(chat, body) as Record<string, any>;
  const person = { id: chat, first_name: first, ...(last !== undefined ? { last_name: last } : {}) };
  Object.assign(update.message.chat, person);
  Object.assign(update.message.from, person);
  return update;
}

describe('a customer\'s Telegram name', () => {
  it('reaches the agent\'s card, the greeting and the contact without direction overrides or other invisible characters', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': straightToBilling } });
    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > 0);

    const dana = 6201;
    expect(await post(app, from(dana, 'Dana 😀\u202Eevil', '\u2066\u200b', 'I was charged twice'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith('#1 ')));

    const card = api.sentTo(OMAR).find((said) => said.startsWith('#1 '))!;
    expect(card.split('\n')[1]).toBe('Dana 😀evil on telegram');
    expect(card).toContain('Reply here to answer Dana 😀evil.');
    expect(card).not.toMatch(/[\u200b\u200e\u200f\u202a-\u202e\u2066\u2067]/);
    expect(api.sentTo(dana)[0]).toBe('Hi Dana 😀evil!');
    expect((await app.store.contactByIdentity('telegram', String(dana)))?.name).toBe('Dana 😀evil');
  }, 60_000);

  it('keeps an Arabic name and an emoji joined with U+200D as written', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': straightToBilling } });
    const mona = 6202;
    expect(await post(app, from(mona, 'منى', '👩‍💻\u200f', 'مرحبا'))).toBe(200);
    await eventually(() => api.sentTo(mona).length > 0);

    expect((await app.store.contactByIdentity('telegram', String(mona)))?.name).toBe('منى 👩‍💻');
    expect(api.sentTo(mona)[0]).toBe('Hi منى 👩‍💻!');
  }, 60_000);
});
