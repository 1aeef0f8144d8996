// Agents their own app no longer lets the bot reach, through the real server and a fake Bot API and Graph API speaking
// the real refusals: an agent on Telegram who blocked the bot (403), one whose account is gone, an agent whose WhatsApp
// number Meta refuses (131026). Their customers are not left writing to nobody: the conversations go back to the queue
// (or to a free colleague), the customers told as when an agent leaves, in their language; the admin sees why on the
// Team page's API and in the timeline; the agent is offline until they write again. An agent on two apps keeps working
// on the other.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually, recordingLog, visitor } from '../helpers.ts';
import { metaError } from './meta/fake-graph-api.ts';
import { fixture as cloudFixture, messagesBody, SHEENA, settled, startCloud, text as cloudText, type CloudServer } from './whatsapp-cloud/harness.ts';
import { OMAR, fixture as telegramFixture, post, telegramServers, textNow } from './telegram/harness.ts';
import type { FakeBotApi } from './telegram/fake-bot-api.ts';
import { streamEvents } from '../store/postgres-two-apps.ts';

const ADMIN = 'admin-token-0123456789abcdef';
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const teamOf = (omar: string) =>
  `teams:\n  - name: Billing\nagents:\n  - name: Omar\n${omar}    teams: [Billing]\n  - name: Sara\n    webchat: agent-sara\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n    max_open: 1\n`;
const blocked = { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } };
const deactivated = { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: user is deactivated' } };

const telegram = telegramServers();
const streams = new AbortController();
afterAll(() => streams.abort());
const clouds: CloudServer[] = [];
afterEach(async () => {
  for (const cloud of clouds.splice(0)) await cloud.stop();
});

/** What the admin's Team page reads of an agent (`GET /api/agents`). */
async function agentRow(url: string, id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/api/agents`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const { agents } = (await res.json()) as { agents: { id: string }[] };
  return agents.find((agent) => agent.id === id) as Record<string, unknown>;
}

/** Waits until the web chat session (a customer's or an agent's) has been told something saying `part`; resolves to it. */
async function told(session: ReturnType<typeof visitor>, part: string): Promise<string> {
  let found: string | undefined;
  await eventually(async () => {
    found = (await session.messages()).map((m) => m.text).find((text) => text.includes(part));
    return found !== undefined;
  }).catch((error: unknown) => {
    throw new Error(`"${part}" was never said`, { cause: error });
  });
  return found!;
}

/** Omar online on Telegram, given Layla's conversation (#1) on the web chat; his card reached him. */
async function omarHoldsLayla(team: string, words = 'My invoice is wrong'): Promise<{ app: Awaited<ReturnType<typeof telegram.setUp>>['app']; api: FakeBotApi; layla: ReturnType<typeof visitor> }> {
  const { app, api } = await telegram.setUp({ webhook: true, team, flows: { 'inbound.yaml': assignFlow }, adminToken: ADMIN });
  expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
  await eventually(() => api.sentTo(OMAR).length > 0);
  const layla = visitor(app.url, `layla-${Math.random()}`, 'Layla');
  await layla.say(words);
  await eventually(() => api.sentTo(OMAR).some((text) => text.includes(words)));
  return { app, api, layla };
}

describe('an agent on Telegram who blocked the bot', () => {
  it('is set offline as their customer next writes; the customer goes back to the queue, told so, and a colleague coming online takes them; the admin reads why', async () => {
    const { app, api, layla } = await omarHoldsLayla(teamOf('    telegram: 9001\n'));
    api.fail('sendMessage', 1000, blocked);

    await layla.say('Hello? Is anyone there?');
    expect(await told(layla, 'no longer available')).toBe('The agent who was helping you is no longer available. You are number 1 in line for the next one.');
    await eventually(async () => (await app.store.openConversations())[0]?.stage === 'queued');
    expect(await agentRow(app.url, 'omar')).toMatchObject({ status: 'offline', unreachable: [{ channel: 'telegram', failure: 'blocked' }] });
    const timeline = (await (await fetch(`${app.url}/api/conversations/1`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { events: { type: string; because?: string }[] };
    expect(timeline.events).toContainEqual(expect.objectContaining({ type: 'queued', because: 'unreachable' }));
    // Nobody new is given to him meanwhile: Telegram is not asked again for him.
    const asked = api.callsOf('sendMessage').length;
    const nadia = visitor(app.url, `nadia-${Math.random()}`, 'Nadia');
    await nadia.say('I need help too');
    await told(nadia, 'Please wait for an agent.');
    expect(api.callsOf('sendMessage')).toHaveLength(asked);

    const sara = visitor(app.url, 'agent-sara');
    await sara.say('/online');
    await told(sara, 'Hello? Is anyone there?');
    await told(layla, '\u2068Sara\u2069 has joined the conversation.');
    await sara.say('I am here, Layla: what is wrong with the invoice?');
    await told(layla, 'what is wrong with the invoice?');

    // Omar unblocks the bot and writes: he reads why he was set offline and what was passed on; /online takes him back.
    api.recover('sendMessage');
    const had = api.sentTo(OMAR).length;
    expect(await post(app, textNow(OMAR, 'Hello, I am back'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > had);
    expect(api.sentTo(OMAR)[had]).toBe('The bot\'s messages to you were refused (you had blocked the bot), so you were set offline and #1 went to a colleague or back to the queue. /online to take conversations again.');
    expect(await agentRow(app.url, 'omar')).toMatchObject({ status: 'offline' });
    expect(await agentRow(app.url, 'omar')).not.toHaveProperty('unreachable');
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(async () => (await agentRow(app.url, 'omar')).status === 'online');
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('Nadia')));
  });

  it('tells an Arabic customer in Arabic, for an account deleted too', async () => {
    const { app, api, layla } = await omarHoldsLayla(teamOf('    telegram: 9001\n'), 'فاتورتي خاطئة، أرجو المساعدة');
    api.fail('sendMessage', 1000, deactivated);
    await layla.say('هل من أحد هنا؟');
    expect(await told(layla, 'لم يعد متاحًا')).toBe('الموظف الذي كان يساعدك لم يعد متاحًا. ترتيبك 1 في قائمة الانتظار للموظف التالي.');
    expect(await agentRow(app.url, 'omar')).toMatchObject({ status: 'offline', unreachable: [{ channel: 'telegram', failure: 'noChat' }] });
  });

  it('tells an agent who reads Arabic, as they write again, in Arabic', async () => {
    const { app, api, layla } = await omarHoldsLayla(teamOf('    telegram: 9001\n    language: ar\n'));
    api.fail('sendMessage', 1000, blocked);
    await layla.say('Hello? Is anyone there?');
    await eventually(async () => (await agentRow(app.url, 'omar')).status === 'offline');
    api.recover('sendMessage');
    const had = api.sentTo(OMAR).length;
    expect(await post(app, textNow(OMAR, 'مرحبا'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > had);
    expect(api.sentTo(OMAR)[had]).toBe('رُفضت رسائل البوت إليك (كنت قد حظرت البوت)، فجُعلت «غير متصل» ونُقلت #1 إلى زميل أو إلى قائمة الانتظار. أرسل \u2068/online\u2069 لتستلم المحادثات من جديد.');
  });
});

/**
 * Omar's `my_chat_member` (the Bot API's ChatMemberUpdated of fixture private-blocked): the bot's membership of his
 * private chat turned "kicked" (he blocked the bot) or "member" (he unblocked it).
 */
function omarMembership(status: 'kicked' | 'member'): Record<string, any> {
  const update = telegramFixture('private-blocked');
  const member = update.my_chat_member;
  update.update_id = Number(textNow(OMAR, '').update_id);
  member.chat = { id: OMAR, first_name: 'Omar', type: 'private' };
  member.from = { id: OMAR, is_bot: false, first_name: 'Omar' };
  member.date = Math.floor(Date.now() / 1000);
  if (status === 'member') [member.old_chat_member, member.new_chat_member] = [member.new_chat_member, { user: member.old_chat_member.user, status: 'member' }];
  return update;
}

describe('an agent on Telegram who blocks the bot, as Telegram says at once (my_chat_member)', () => {
  it('is set offline then, before anything is refused, their customer told and back in the queue; an unblock alone clears nothing', async () => {
    const { app, api, layla } = await omarHoldsLayla(teamOf('    telegram: 9001\n'));
    const asked = api.callsOf('sendMessage').length;

    expect(await post(app, omarMembership('kicked'))).toBe(200);
    expect(await told(layla, 'no longer available')).toBe('The agent who was helping you is no longer available. You are number 1 in line for the next one.');
    await eventually(async () => (await app.store.openConversations())[0]?.stage === 'queued');
    expect(await agentRow(app.url, 'omar')).toMatchObject({ status: 'offline', unreachable: [{ channel: 'telegram', failure: 'blocked' }] });
    // Nothing was tried on him to find it out.
    expect(api.callsOf('sendMessage').slice(asked).filter((call) => String(call.params.chat_id) === String(OMAR))).toEqual([]);
    const toOmar = api.sentTo(OMAR).length;

    // He unblocks: nothing yet (a notice could still be refused); his next message clears the mark, as after any refusal.
    expect(await post(app, omarMembership('member'))).toBe(200);
    expect(await agentRow(app.url, 'omar')).toMatchObject({ status: 'offline', unreachable: [{ channel: 'telegram', failure: 'blocked' }] });
    expect(api.sentTo(OMAR)).toHaveLength(toOmar);
    expect(await post(app, textNow(OMAR, 'Hello, I am back'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > toOmar);
    expect(api.sentTo(OMAR)[toOmar]).toBe('The bot\'s messages to you were refused (you had blocked the bot), so you were set offline and #1 went to a colleague or back to the queue. /online to take conversations again.');
    expect(await agentRow(app.url, 'omar')).not.toHaveProperty('unreachable');
  });
});

describe('an agent on Telegram and on the agent console who blocked the bot on Telegram', () => {
  it('keeps their customers, reached on the console; Telegram is not asked again until they write from it', async () => {
    const { app, api, layla } = await omarHoldsLayla(teamOf('    telegram: 9001\n    webchat: agent-omar\n    webchat_token: test-token-0123456789abcdef\n'));
    const console = visitor(app.url, 'agent-omar');
    api.fail('sendMessage', 1000, blocked);

    await layla.say('Hello? Is anyone there?');
    await told(console, '#1 Layla: Hello? Is anyone there?');
    await told(console, 'The bot\'s messages to you on Telegram were refused (you had blocked the bot)');
    expect(await agentRow(app.url, 'omar')).toMatchObject({ status: 'online', unreachable: [{ channel: 'telegram', failure: 'blocked' }] });
    const asked = api.callsOf('sendMessage').length;
    await layla.say('My order number is 4521');
    await told(console, '#1 Layla: My order number is 4521');
    expect(api.callsOf('sendMessage')).toHaveLength(asked);
    await console.say('Thanks, looking at 4521 now');
    await told(layla, 'looking at 4521 now');
    expect((await app.store.openConversations())[0]).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    expect((await layla.botTexts()).some((text) => text.includes('no longer available'))).toBe(false);
  });
});

describe('an agent on Telegram and on the agent console who blocks the bot on Telegram (my_chat_member)', () => {
  const both = (language = '') => teamOf(`    telegram: 9001\n    webchat: agent-omar\n    webchat_token: test-token-0123456789abcdef\n${language}`);

  it('is told in the console, once, that Telegram no longer reaches them, and keeps their customer', async () => {
    const { app, layla } = await omarHoldsLayla(both());
    const console = visitor(app.url, 'agent-omar');
    expect(await post(app, omarMembership('kicked'))).toBe(200);
    const said = 'The bot\'s messages to you on Telegram were refused (you had blocked the bot): nothing more is sent there, and what is for you comes here. Write to the bot on Telegram again to be reached there.';
    expect(await told(console, 'on Telegram were refused')).toBe(said);
    // Telegram says it again (a redelivery): not told twice.
    expect(await post(app, omarMembership('kicked'))).toBe(200);
    await layla.say('Hello? Is anyone there?');
    await told(console, '#1 Layla: Hello? Is anyone there?');
    expect((await console.messages()).filter((message) => message.text === said)).toHaveLength(1);
    expect(await agentRow(app.url, 'omar')).toMatchObject({ status: 'online', unreachable: [{ channel: 'telegram', failure: 'blocked' }] });
  });

  it('is shown on the Team page at once: its live stream says the agents changed, though Omar stays online', async () => {
    const { app } = await omarHoldsLayla(both());
    const { events, connected } = streamEvents(`${app.url}/api/events`, streams, { authorization: `Bearer ${ADMIN}` });
    await connected;
    const seen = events.length;
    expect(await post(app, omarMembership('kicked'))).toBe(200);
    await expect.poll(() => events.slice(seen).some((event) => event.event === 'agents'), { timeout: 20_000 }).toBe(true);
    expect(await agentRow(app.url, 'omar')).toMatchObject({ status: 'online', unreachable: [{ channel: 'telegram', failure: 'blocked' }] });

    // He writes from Telegram again: the mark goes, and the page is told again.
    const cleared = events.length;
    expect(await post(app, textNow(OMAR, 'Back on Telegram'))).toBe(200);
    await expect.poll(() => events.slice(cleared).some((event) => event.event === 'agents'), { timeout: 20_000 }).toBe(true);
    expect(await agentRow(app.url, 'omar')).not.toHaveProperty('unreachable');
  });

  it('tells them in Arabic when they read Arabic', async () => {
    const { app } = await omarHoldsLayla(both('    language: ar\n'));
    const console = visitor(app.url, 'agent-omar');
    expect(await post(app, omarMembership('kicked'))).toBe(200);
    expect(await told(console, 'رُفضت رسائل البوت إليك على')).toBe('رُفضت رسائل البوت إليك على \u2068Telegram\u2069 (كنت قد حظرت البوت): لن يُرسل إليك شيء هناك بعد الآن، وما يخصك يصلك هنا. اكتب إلى البوت على \u2068Telegram\u2069 من جديد ليصلك هناك.');
  });
});

describe('an agent on WhatsApp whose number Meta refuses for good (131026)', () => {
  const omar = '15550001234';
  const cannotReceive = { code: 131026, title: 'Message undeliverable', message: 'Message Undeliverable.' };

  async function omarHoldsSheena(first: Record<string, unknown> = cloudFixture('text'), log?: ReturnType<typeof recordingLog>['log']): Promise<CloudServer> {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: teamOf(`    whatsapp: "+${omar}"\n`), config: { ADMIN_TOKEN: ADMIN }, ...(log ? { log } : {}) });
    clouds.push(cloud);
    expect((await cloud.post(messagesBody([cloudText('/online', { from: omar })], { from: omar, name: 'Omar' }))).status).toBe(200);
    expect((await cloud.post(first)).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(omar).some((said) => said.includes('#1')));
    await settled(cloud, omar);
    return cloud;
  }

  it('refused as it is sent: Omar is set offline, and Sheena is told and goes back to the queue', async () => {
    const cloud = await omarHoldsSheena();
    cloud.graph.fail(1, metaError(400, 131026, '(#131026) Message undeliverable', 'Message failed to send because the recipient could not be reached.'));
    expect((await cloud.post(messagesBody([cloudText('Hello? Is anyone there?')]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('The agent who was helping you is no longer available. You are number 1 in line for the next one.'));
    expect(await agentRow(cloud.app.url, 'omar')).toMatchObject({ status: 'offline', unreachable: [{ channel: 'whatsapp-cloud', failure: 'cannotReceive' }] });
  });

  it('reported failed late, for a relay older than Omar\'s last message from his number: marks nothing, he stays online and keeps Sheena', async () => {
    const { log, lines } = recordingLog();
    const cloud = await omarHoldsSheena(cloudFixture('text'), log);
    const wamid = cloud.graph.sent.filter((sent) => sent.body.to === omar).at(-1)!.id;
    // Omar writes from his number after it (he had blocked the business and unblocked it, say): /list is answered there.
    const had = cloud.graph.saidTo(omar).length;
    expect((await cloud.post(messagesBody([cloudText('/list', { from: omar })], { from: omar, name: 'Omar' }))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(omar).length > had);
    await settled(cloud, omar);

    const failed = cloudFixture('statuses');
    failed.entry[0].changes[0].value.statuses = [{ ...failed.entry[0].changes[0].value.statuses[1], id: wamid, recipient_id: omar, errors: [cannotReceive] }];
    expect((await cloud.post(failed)).status).toBe(200);
    await eventually(() => lines.some((line) => String(line.msg).includes('a late failure of a notice to an agent')));
    expect(await agentRow(cloud.app.url, 'omar')).toMatchObject({ status: 'online' });
    expect(await agentRow(cloud.app.url, 'omar')).not.toHaveProperty('unreachable');
    expect((await cloud.app.store.openConversations())[0]).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    expect(cloud.graph.saidTo(SHEENA).some((said) => said.includes('no longer available'))).toBe(false);
  });

  it('reported failed later (a status with 131026): the same, in Arabic for an Arabic customer', async () => {
    const cloud = await omarHoldsSheena(messagesBody([cloudText('طلبي لم يصل بعد')]));
    expect((await cloud.post(messagesBody([cloudText('مرحبا، هل من أحد هنا؟')]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(omar).some((said) => said.includes('هل من أحد هنا')));
    await settled(cloud, omar);
    const wamid = cloud.graph.sent.filter((sent) => sent.body.to === omar).at(-1)!.id;
    const failed = cloudFixture('statuses');
    failed.entry[0].changes[0].value.statuses = [{ ...failed.entry[0].changes[0].value.statuses[1], id: wamid, recipient_id: omar, errors: [cannotReceive] }];
    expect((await cloud.post(failed)).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('الموظف الذي كان يساعدك لم يعد متاحًا. ترتيبك 1 في قائمة الانتظار للموظف التالي.'));
    expect(await agentRow(cloud.app.url, 'omar')).toMatchObject({ status: 'offline', unreachable: [{ channel: 'whatsapp-cloud', failure: 'cannotReceive' }] });
  });
});
