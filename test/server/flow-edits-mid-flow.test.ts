// An admin changes the inbound flow while customers are in the middle of it, on disk or in the dashboard: what the
// customers on the web chat get when they answer next (never silence, never a question asked again for what is known),
// in English and Arabic, through the running server.
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { versionOf } from '../../src/flows/versions.ts';
import { cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';

const running: Switchboard[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
  await cleanupDirs();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a flow edited while customers are in it', () => {
  it('does not put a flow file into service while it is still being written: customers who start meanwhile are not left in silence', async () => {
    const data = await shippedDataDir();
    const app = await start(data, { watch: true });
    running.push(app);
    const file = join(data, 'flows', 'inbound.yaml');
    const whole = (await readFile(file, 'utf8')).replace('How can we help you today?', 'What can we do for you today?');
    // Written in two pieces a moment apart (a copy, an upload): the first piece is a flow of its own, cut before routing.
    const cut = whole.indexOf('  - id: route');
    await writeFile(file, whole.slice(0, cut));
    await sleep(300);
    const layla = visitor(app.url, 'layla', 'Layla');
    const laila = visitor(app.url, 'laila', 'ليلى');
    await layla.post({ text: 'hi' });
    await laila.post({ text: 'مرحبا' });
    await layla.say('layla@example.com');
    await laila.say('laila@example.com');
    await appendFile(file, whole.slice(cut));

    await layla.say('I was charged twice for my invoice');
    await laila.say('تم خصم المبلغ مرتين من فاتورتي');
    // Routed and queued, as the flow says once it is whole (no agent is online): not closed without a word.
    await expect.poll(async () => (await layla.botTexts()).at(-1)).toMatch(/you are number \d+ in line/);
    await expect.poll(async () => (await laila.botTexts()).at(-1)).toMatch(/ترتيبك \d+ في قائمة الانتظار/);
    await expect.poll(() => app.flows.servedBy('flows/inbound.yaml')?.version).toBe(versionOf(whole));
    expect(await app.store.doc('flow-versions', `inbound@${versionOf(whole.slice(0, cut))}`)).toBeUndefined();
  }, 60_000);

  it('does not ask again for an email an admin typed into the contact while the customer was being asked it', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    running.push(app);
    const admin = adminClient(app.url);
    const layla = visitor(app.url, 'layla', 'Layla');
    const laila = visitor(app.url, 'laila', 'ليلى');
    await layla.say('hi');
    await laila.say('مرحبا');
    expect((await layla.botTexts()).at(-1)).toBe("What's your email address, in case we need to follow up?");
    // They gave it on the phone, and the admin keeps it on the contact.
    const { contacts } = (await admin.get<{ contacts: { id: string; name: string }[] }>('/contacts')).body;
    for (const contact of contacts) {
      const email = contact.name === 'Layla' ? 'layla@example.com' : 'laila@example.com';
      expect((await admin.patch(`/contacts/${contact.id}`, { fields: { email } })).status).toBe(200);
    }
    await layla.say('I gave it to your colleague on the phone');
    await laila.say('أعطيته لزميلك على الهاتف');
    expect((await layla.botTexts()).slice(2)).toEqual(['How can we help you today?']);
    expect((await laila.botTexts()).slice(2)).toEqual(['كيف يمكننا مساعدتك اليوم؟']);
  }, 60_000);

  it('routes a need said with "already" to an email an admin typed meanwhile, and asks the need after a greeting alone', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    running.push(app);
    const admin = adminClient(app.url);
    const customers = [
      { who: visitor(app.url, 'sam', 'Sam'), hello: 'hi', writes: 'I was already charged twice for my invoice' },
      { who: visitor(app.url, 'samir', 'سمير'), hello: 'مرحبا', writes: 'تم خصم المبلغ مرتين بالفعل' },
      { who: visitor(app.url, 'layla', 'Layla'), hello: 'hello', writes: 'hi' },
      { who: visitor(app.url, 'laila', 'ليلى'), hello: 'مرحبا', writes: 'مرحبا' },
    ];
    for (const { who, hello } of customers) await who.say(hello);
    const { contacts } = (await admin.get<{ contacts: { id: string; name: string }[] }>('/contacts')).body;
    for (const [index, contact] of contacts.entries()) {
      expect((await admin.patch(`/contacts/${contact.id}`, { fields: { email: `customer${index}@example.com` } })).status).toBe(200);
    }
    for (const { who, writes } of customers) await who.say(writes);
    const [sam, samir, layla, laila] = customers.map(({ who }) => who);
    // The model reads the need (billing), whatever "already" points at: routed, not asked what they just said.
    expect((await sam!.botTexts()).slice(2)).toEqual([expect.stringMatching(/^Nobody on our Billing team is free right now/)]);
    expect((await samir!.botTexts()).slice(2)).toEqual([expect.stringMatching(/^لا يوجد أحد من فريق الفواتير متاح حاليًا/)]);
    expect((await layla!.botTexts()).slice(2)).toEqual(['How can we help you today?']);
    expect((await laila!.botTexts()).slice(2)).toEqual(['كيف يمكننا مساعدتك اليوم؟']);
  }, 60_000);

  it('tells the admin how many customers a publish does not reach, and lists a flow whose file is gone while customers finish on it', async () => {
    const data = await shippedDataDir();
    const app = await start(data, { adminToken: ADMIN_TOKEN });
    running.push(app);
    const admin = adminClient(app.url);
    await visitor(app.url, 'layla', 'Layla').say('hi');
    await visitor(app.url, 'laila', 'ليلى').say('مرحبا');
    const { version, source } = (await admin.get<{ version: string; source: string }>('/flows/inbound')).body;
    const reworded = source.replace('How can we help you today?', 'What can we do for you today?');
    expect((await admin.put('/flows/inbound', { source: reworded, baseVersion: version })).status).toBe(200);
    await visitor(app.url, 'sam', 'Sam').say('hello');
    const listed = async () => (await admin.get<{ flows: Record<string, unknown>[] }>('/flows')).body.flows;
    expect(await listed()).toEqual([expect.objectContaining({ name: 'inbound', version: versionOf(reworded), status: 'ok', openConversations: 3, onEarlierVersions: 2 })]);

    await rm(join(data, 'flows', 'inbound.yaml'));
    await app.flows.reload();
    expect(await listed()).toEqual([{ name: 'inbound', version: null, updatedAt: null, updatedBy: null, status: 'removed', openConversations: 3, onEarlierVersions: 3 }]);
    // Back as a file that is refused: its last good version serves again, and it is listed once, as the refused file.
    await writeFile(join(data, 'flows', 'inbound.yaml'), 'flow: inbound\nsteps: [\n');
    await app.flows.reload();
    expect(await listed()).toEqual([expect.objectContaining({ name: 'inbound', status: 'error', serving: versionOf(reworded), openConversations: 3, onEarlierVersions: 2 })]);
  }, 60_000);

  it('refuses a contact field typed in other capitals than the flow saves it, which the flow would not see and ask again', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    running.push(app);
    const admin = adminClient(app.url);
    // A customer being asked their email, which the admin has from elsewhere.
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('hi');
    const { contacts } = (await admin.get<{ contacts: { id: string }[] }>('/contacts')).body;
    const id = contacts[0]!.id;
    const refused = await admin.patch<{ error: string }>(`/contacts/${id}`, { fields: { Email: 'layla@example.com' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('fields.Email: flows save this field as contact.email and read it by that name only, so a question about it would be asked again: name it email');
    const arabic = await admin.patch<{ error: string }>(`/contacts/${id}`, { fields: { EMAIL: 'layla@example.com' } }, { 'accept-language': 'ar' });
    expect(arabic.status).toBe(422);
    expect(arabic.body.error.replace(/[\u2066-\u2069]/g, '')).toBe('fields.EMAIL: تحفظ مسارات المحادثة هذا الحقل باسم contact.email ولا تقرؤه إلا بهذا الاسم، فيُطرح السؤال عنه من جديد: سمِّه email');
    expect((await admin.get<{ contact: { fields: object } }>(`/contacts/${id}`)).body.contact.fields).toEqual({});
    // Removing such a field, kept from before, is always possible.
    expect((await admin.patch(`/contacts/${id}`, { fields: { Email: null } })).status).toBe(200);
  }, 60_000);

  it('keeps the flow file named after the flow in service over a copy of it left beside it, across a restart', async () => {
    const data = await shippedDataDir();
    const first = await start(data, { adminToken: ADMIN_TOKEN });
    await first.stop();
    // A copy kept before an edit, left in the folder (Finder's "inbound copy.yaml", a sync tool's conflicted copy).
    const flows = join(data, 'flows');
    const source = await readFile(join(flows, 'inbound.yaml'), 'utf8');
    await writeFile(join(flows, 'inbound copy.yaml'), source.replace('Thanks for getting in touch.', 'Thanks for writing to Acme.').replace('شكرًا لتواصلك معنا.', 'شكرًا لمراسلتك أكمي.'));
    const app = await start(data, { adminToken: ADMIN_TOKEN });
    running.push(app);
    await visitor(app.url, 'layla', 'Layla').say('hi');
    await visitor(app.url, 'laila', 'ليلى').say('مرحبا');
    expect((await visitor(app.url, 'layla').botTexts())[0]).toBe('Hi Layla! Thanks for getting in touch.');
    expect((await visitor(app.url, 'laila').botTexts())[0]).toBe('مرحبًا ليلى! شكرًا لتواصلك معنا.');
    // The admin's own file is the one in service and editable; the copy is the one refused.
    const { flows: listed } = (await adminClient(app.url).get<{ flows: Record<string, unknown>[] }>('/flows')).body;
    expect(listed).toEqual([expect.objectContaining({ name: 'inbound', version: versionOf(source), status: 'ok', openConversations: 2 })]);
    expect(app.flows.errors().map(String)).toEqual([expect.stringContaining('flows/inbound copy.yaml:7:1: flow name "inbound" is already used by flows/inbound.yaml')]);
  }, 60_000);
});

describe('an email an admin fills in while the customer is asked it', () => {
  it('takes the need the customer writes next as their need, and routes it without asking it', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    running.push(app);
    const admin = adminClient(app.url);
    const layla = visitor(app.url, 'layla', 'Layla');
    const laila = visitor(app.url, 'laila', 'ليلى');
    await layla.say('hi');
    await laila.say('مرحبا');
    expect((await layla.botTexts()).at(-1)).toBe("What's your email address, in case we need to follow up?");
    expect((await laila.botTexts()).at(-1)).toBe('هل يمكنك تزويدنا بعنوان بريدك الإلكتروني لنتمكن من متابعتك عند الحاجة؟');
    const { contacts } = (await admin.get<{ contacts: { id: string; name: string }[] }>('/contacts')).body;
    for (const contact of contacts) {
      const email = contact.name === 'Layla' ? 'layla@example.com' : 'laila@example.com';
      expect((await admin.patch(`/contacts/${contact.id}`, { fields: { email } })).status).toBe(200);
    }
    // They had not seen the admin's edit: they answer what they came for.
    await layla.say('I was charged twice for my invoice');
    await laila.say('تم خصم المبلغ مرتين من فاتورتي');
    // Before: 'How can we help you today?', the need they had just written asked again.
    await expect.poll(async () => (await layla.botTexts()).slice(2), { timeout: 20_000 }).toEqual([expect.stringMatching(/^Nobody on our Billing team is free right now: you are number \d+ in line/)]);
    await expect.poll(async () => (await laila.botTexts()).slice(2), { timeout: 20_000 }).toEqual([expect.stringMatching(/^لا يوجد أحد من فريق الفواتير متاح حاليًا/)]);
    const conversations = await app.store.conversations();
    expect(conversations.map((conversation) => conversation.fields.need).sort()).toEqual(['I was charged twice for my invoice', 'تم خصم المبلغ مرتين من فاتورتي']);
  }, 60_000);
});
