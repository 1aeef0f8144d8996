// A customer's Telegram name as the agent's card, the bot's greeting and the stored contact read it: without the
// invisible characters that would fake or reorder it (U+202E shows "Dana 😀\u202Eevil" as "Dana 😀live"), with
// Arabic, emoji and the joiners inside emoji (👩‍💻) as the customer wrote them.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from '../../server/admin/client.ts';
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
    expect(card.split('\n')[1]).toBe('Dana 😀evil on Telegram');
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

  it('is cleaned the same when an admin edits it on the dashboard; one that shows nothing is refused, in the admin\'s language', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': straightToBilling }, adminToken: ADMIN_TOKEN });
    const dana = 6203;
    expect(await post(app, from(dana, 'Dana', undefined, 'I was charged twice'))).toBe(200);
    await eventually(() => api.sentTo(dana).length > 0);
    const { id } = (await app.store.contactByIdentity('telegram', String(dana)))!;
    const admin = adminClient(app.url);

    const edited = await admin.patch<{ contact: { name: string } }>(`/contacts/${id}`, { name: ' Dana 😀\u202Eevil\u200b' });
    expect(edited.status).toBe(200);
    expect(edited.body.contact.name).toBe('Dana 😀evil');

    const blank = await admin.patch<{ error: string }>(`/contacts/${id}`, { name: '\u200f\u200b ' });
    expect(blank.status).toBe(422);
    expect(blank.body.error).toBe('name: it shows nothing (only spaces or invisible characters); type the name agents should read. Nothing was changed');
    const arabic = await admin.patch<{ error: string }>(`/contacts/${id}`, { name: '\u2066' }, { 'accept-language': 'ar' });
    expect(arabic.body.error).toBe('الاسم: لا يظهر منه شيء (مسافات أو أحرف غير مرئية فقط)؛ اكتب الاسم الذي يقرؤه الموظفون. لم يتغيّر شيء');
    expect((await app.store.contact(id))?.name).toBe('Dana 😀evil');

    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith('#1 ')));
    expect(api.sentTo(OMAR).find((said) => said.startsWith('#1 '))!.split('\n')[1]).toBe('Dana 😀evil on Telegram');
  }, 60_000);

  it('stored by an earlier version with a direction override reads cleaned once the store opens: agent\'s card and dashboard', async () => {
    const first = await setUp({ webhook: true, flows: { 'inbound.yaml': straightToBilling }, adminToken: ADMIN_TOKEN });
    const dana = 6204;
    expect(await post(first.app, from(dana, 'Dana', undefined, 'I was charged twice'))).toBe(200);
    await eventually(() => first.api.sentTo(dana).length > 0);
    await first.app.stop();
    // The name as a version before names were cleaned kept it, in whichever of the store's files hold the contact.
    let rewritten = 0;
    for (const entry of await readdir(first.dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !/\.jsonl?$/.test(entry.name)) continue;
      const path = join(entry.parentPath, entry.name);
      const stored = await readFile(path, 'utf8');
      if (!stored.includes('"name":"Dana"')) continue;
      await writeFile(path, stored.replaceAll('"name":"Dana"', '"name":"Dana 😀\\u202Eevil\\u200b"'));
      rewritten++;
    }
    expect(rewritten).toBeGreaterThan(0);

    const { app, api } = await setUp({ webhook: true, dir: first.dir, adminToken: ADMIN_TOKEN });
    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith('#1 ')));
    const card = api.sentTo(OMAR).find((said) => said.startsWith('#1 '))!;
    expect(card.split('\n')[1]).toBe('Dana 😀evil on Telegram');
    expect(card).not.toMatch(/[\u200b\u202e]/);
    const listed = await adminClient(app.url).get<{ contacts: { name?: string }[] }>('/contacts');
    expect(listed.body.contacts.map((contact) => contact.name)).toEqual(['Dana 😀evil']);
  }, 60_000);
});
