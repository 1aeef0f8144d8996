// An admin erases a customer (data protection) whose conversation an agent on Telegram holds, through the real server,
// the admin API and the fake Bot API: the agent is told at once in his chat (in Arabic for an Arabic agent), and so is
// the conversation's team desk topic, which closes; his next plain message, which may be meant for the erased customer,
// reaches no other customer he holds until he chooses whom he writes to (a Reply, /use); and the seat the erase freed
// goes to the customer waiting in the queue. An erase whose delete fails (the store out of reach) leaves him writing
// to her as before, and tells the admin it did not happen; asked again, it erases and tells him once. A conversation
// of hers opened while the erase ran (after it read hers, before its delete) is erased with her: its agent is told,
// and his seat goes to the queue.
import { describe, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../../src/server/switchboard.ts';
import { StoreUnavailableError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/types.ts';
import { eventually, quietLog } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from '../../server/admin/client.ts';
import type { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, OMAR, SECRET, TOKEN, fixture, post, telegramServers } from './harness.ts';

const { setUp, stopAfterTest } = telegramServers();

const SHEENA = 5002;
const NAMES: Record<number, string> = { [OMAR]: 'Omar', [LAYLA]: 'Layla', [SHEENA]: 'Sheena' };
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const teamWith = (omar: string) => `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n${omar}`;

const NOTICE = '#1 was erased by admin (data protection): the conversation and the customer\'s data are gone, and nothing more you write reaches them.';
const REFUSED = 'That reached no one: #1 was erased since you last chose whom you write to. Reply to one of a customer\'s messages, or pick a conversation with /use N (/list shows yours).';
const FOR_LAYLA = 'Layla, your refund of 240 EUR left our bank.';
const isolated = (text: string) => `\u2068${text}\u2069`;

let nextUpdate = 700_000;
let nextMessage = 70_000;
/** A private Telegram message from `chat` saying `body`; with `replyTo`, Telegram's Reply on that message of the bot's. */
function text(chat: number, body: string, replyTo?: { message_id: number; text: string }): Record<string, unknown> {
  const person = { id: chat, first_name: NAMES[chat] };
  const date = Math.floor(Date.now() / 1000);
  const reply = replyTo && { ...replyTo, date, chat: { ...person, type: 'private' }, from: { id: 7000000001, is_bot: true, first_name: 'Acme Bot', username: 'acme_bot' } };
  return {
    update_id: nextUpdate++,
    message: { message_id: nextMessage++, date, chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: body, ...(reply ? { reply_to_message: reply } : {}) },
  };
}

/** The message the bot sent `chat` saying `said` (or starting with it, with `prefix`), once it came. */
async function sentIn(api: FakeBotApi, chat: number, said: string, prefix = false): Promise<{ message_id: number; text: string }> {
  const find = () => api.messagesTo(chat).find((message) => (prefix ? message.text.startsWith(said) : message.text === said));
  await eventually(() => find() !== undefined).catch((error: unknown) => {
    throw new Error(`${NAMES[chat] ?? chat} was not sent ${JSON.stringify(said)}; the chat has ${JSON.stringify(api.sentTo(chat))}`, { cause: error });
  });
  return find()!;
}

/** Omar on Telegram, online, with `omar` (indented lines of his entry) in team.yaml. */
async function withOmar(omar = '    max_open: 5\n', extra: { team?: string; flows?: Record<string, string> } = {}): Promise<{ app: Switchboard; api: FakeBotApi; dir: string }> {
  const { app, api, dir } = await setUp({ webhook: true, adminToken: ADMIN_TOKEN, team: extra.team ?? teamWith(omar), flows: extra.flows ?? { 'inbound.yaml': assignFlow } });
  expect(await post(app, text(OMAR, '/online'))).toBe(200);
  await eventually(() => api.sentTo(OMAR).length > 0);
  return { app, api, dir };
}

/** The admin erases Layla from the dashboard's API. */
async function eraseLayla(app: Switchboard): Promise<void> {
  const layla = (await app.store.contacts()).find((contact) => contact.name === 'Layla')!;
  expect((await adminClient(app.url).delete(`/contacts/${layla.id}`)).status).toBe(200);
}

/** Omar online with one seat, holding Layla (#1); Sheena waiting in the queue. */
async function laylaHeldSheenaWaiting(): Promise<{ app: Switchboard; api: FakeBotApi; dir: string }> {
  const started = await withOmar('    max_open: 1\n');
  const { app, api } = started;
  expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
  await sentIn(api, OMAR, '#1 · new conversation', true);
  expect(await post(app, text(SHEENA, 'hi'))).toBe(200);
  await sentIn(api, SHEENA, 'Please wait for an agent.', true);
  return started;
}

/**
 * Once the store's next erase has deleted, its next `times` transactions (all, by default) are refused as by a store
 * out of reach (`reason`): a database lost, or a process killed, right after the delete.
 */
function refuseAfterTheDelete(app: Switchboard, reason: string, times = Infinity): void {
  const store = app.store as Store;
  const realErase = store.eraseContact.bind(store);
  const realTransaction = store.transaction.bind(store);
  let deleted = false;
  let refused = 0;
  store.eraseContact = async (contactId, options) => {
    const erased = await realErase(contactId, options);
    deleted = true;
    return erased;
  };
  store.transaction = ((key, work, options) => {
    if (!deleted || refused >= times) return realTransaction(key, work, options);
    refused++;
    return Promise.reject(new StoreUnavailableError(reason));
  }) as Store['transaction'];
}

/** Runs `before` once, right before the store's next erase (after the admin's erase read her conversations and marked their agents). */
function beforeTheDelete(app: Switchboard, before: () => Promise<void>): void {
  const store = app.store as Store;
  const real = store.eraseContact.bind(store);
  let first = true;
  store.eraseContact = async (contactId, options) => {
    if (first) {
      first = false;
      await before();
    }
    return real(contactId, options);
  };
}

/** Whether Sheena was ever sent `said`, or is to be: her chat, and what is stored to go out to her. */
async function sheenaWasSent(app: Switchboard, api: FakeBotApi, said: string): Promise<boolean> {
  const sheena = (await app.store.contacts()).find((contact) => contact.name === 'Sheena')!;
  const stored = (await app.store.messagesOfContact(sheena.id)).filter((message) => message.direction === 'out');
  return stored.some((message) => message.text.includes(said)) || api.sentTo(SHEENA).some((each) => each.includes(said));
}

describe('a customer an agent holds is erased by an admin', () => {
  it('tells Omar at once; his next plain message, meant for Layla, does not reach Sheena, the one he holds now, until he replies to her', async () => {
    const { app, api } = await withOmar();
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await sentIn(api, OMAR, '#1 · new conversation', true);
    expect(await post(app, text(SHEENA, 'hi'))).toBe(200);
    await sentIn(api, OMAR, '#2 · new conversation', true);
    expect(await post(app, text(SHEENA, 'Is my order shipped?'))).toBe(200);
    const sheenas = await sentIn(api, OMAR, '#2 Sheena: Is my order shipped?');

    await eraseLayla(app);
    await sentIn(api, OMAR, NOTICE);
    // Nothing of Layla's but the number.
    expect(NOTICE).not.toContain('Layla');

    expect(await post(app, text(OMAR, FOR_LAYLA))).toBe(200);
    await sentIn(api, OMAR, REFUSED);
    expect(await sheenaWasSent(app, api, '240 EUR')).toBe(false);
    expect(await post(app, text(OMAR, '/close'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).filter((said) => said === REFUSED).length === 2);
    expect((await app.store.conversation(2))?.status).toBe('open');

    // A Reply on Sheena's message is his choice: it reaches her, and so does what he writes next.
    expect(await post(app, text(OMAR, 'It ships today.', sheenas))).toBe(200);
    await sentIn(api, SHEENA, 'It ships today.');
    expect(await post(app, text(OMAR, 'The tracking number follows.'))).toBe(200);
    await sentIn(api, SHEENA, 'The tracking number follows.');
    expect(await sheenaWasSent(app, api, '240 EUR')).toBe(false);
  });

  it('when she was all he held: the freed seat takes Sheena from the queue, and his next plain message reaches her only after /use', async () => {
    const { app, api } = await laylaHeldSheenaWaiting();
    expect(await app.store.conversation(2)).toMatchObject({ stage: 'queued' });

    await eraseLayla(app);
    await sentIn(api, OMAR, NOTICE);
    await sentIn(api, OMAR, '#2 · new conversation', true);
    const said = api.sentTo(OMAR);
    expect(said.indexOf(NOTICE)).toBeLessThan(said.findIndex((each) => each.startsWith('#2 · new conversation')));
    expect(await app.store.conversation(2)).toMatchObject({ stage: 'assigned', agentId: 'omar' });

    expect(await post(app, text(OMAR, FOR_LAYLA))).toBe(200);
    await sentIn(api, OMAR, REFUSED);
    expect(await sheenaWasSent(app, api, '240 EUR')).toBe(false);

    expect(await post(app, text(OMAR, '/use 2'))).toBe(200);
    await sentIn(api, OMAR, 'Your messages now go to #2', true);
    expect(await post(app, text(OMAR, 'Hello Sheena, I am Omar.'))).toBe(200);
    await sentIn(api, SHEENA, 'Hello Sheena, I am Omar.');
  });

  it('leaves his messages going to Sheena when he had picked her with /use before the erase; he is told all the same', async () => {
    const { app, api } = await withOmar();
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await sentIn(api, OMAR, '#1 · new conversation', true);
    expect(await post(app, text(SHEENA, 'hi'))).toBe(200);
    await sentIn(api, OMAR, '#2 · new conversation', true);
    expect(await post(app, text(OMAR, '/use 2'))).toBe(200);
    await sentIn(api, OMAR, 'Your messages now go to #2', true);

    await eraseLayla(app);
    await sentIn(api, OMAR, NOTICE);
    expect(await post(app, text(OMAR, 'Your order ships today.'))).toBe(200);
    await sentIn(api, SHEENA, 'Your order ships today.');
    expect(api.sentTo(OMAR)).not.toContain(REFUSED);
  });

  it('an erase whose delete fails leaves Omar writing to Layla and tells the admin; asked again, it erases her and tells Omar once', async () => {
    const { app, api } = await withOmar();
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await sentIn(api, OMAR, '#1 · new conversation', true);
    const layla = (await app.store.contacts()).find((contact) => contact.name === 'Layla')!;
    // The database restarted under the delete, once.
    beforeTheDelete(app, () => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly')));

    const admin = adminClient(app.url);
    const failed = await admin.delete<{ error: string }>(`/contacts/${layla.id}`);
    expect(failed.status).toBe(503);
    expect((await admin.get(`/contacts/${layla.id}`)).status).toBe(200);

    // She is still his customer: what he writes reaches her, as before the erase was asked.
    expect(await post(app, text(OMAR, FOR_LAYLA))).toBe(200);
    await sentIn(api, LAYLA, FOR_LAYLA);
    expect(api.sentTo(OMAR)).not.toContain(REFUSED);
    expect(api.sentTo(OMAR)).not.toContain(NOTICE);
    // The admin was told the erase did not happen, and to ask again.
    expect(failed.body.error).toContain('the erase did not happen');
    expect(failed.body.error).toContain('erase them again');

    expect((await admin.delete(`/contacts/${layla.id}`)).status).toBe(200);
    await sentIn(api, OMAR, NOTICE);
    expect((await admin.get(`/contacts/${layla.id}`)).status).toBe(404);
    // Now it is done: his next plain message reaches no one.
    expect(await post(app, text(OMAR, 'Anything else?'))).toBe(200);
    await sentIn(api, OMAR, REFUSED);
    expect(api.sentTo(OMAR).filter((said) => said === NOTICE)).toHaveLength(1);
    expect(api.sentTo(LAYLA)).not.toContain('Anything else?');
  });

  it('after an erase that failed, Omar closes Layla and writes to Sheena: erased later, Layla is none of his plain messages\' business', async () => {
    const { app, api } = await withOmar();
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await sentIn(api, OMAR, '#1 · new conversation', true);
    expect(await post(app, text(SHEENA, 'hi'))).toBe(200);
    await sentIn(api, OMAR, '#2 · new conversation', true);
    beforeTheDelete(app, () => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly')));
    const layla = (await app.store.contacts()).find((contact) => contact.name === 'Layla')!;
    expect((await adminClient(app.url).delete(`/contacts/${layla.id}`)).status).toBe(503);

    expect(await post(app, text(OMAR, '/close 1'))).toBe(200);
    for (let tries = 0; (await app.store.conversation(1))?.status !== 'closed'; tries++) {
      if (tries > 100) throw new Error('#1 was not closed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await post(app, text(OMAR, 'Hello Sheena, I am Omar.'))).toBe(200);
    await sentIn(api, SHEENA, 'Hello Sheena, I am Omar.');

    await eraseLayla(app);
    expect(await post(app, text(OMAR, 'Your order ships today.'))).toBe(200);
    await sentIn(api, SHEENA, 'Your order ships today.');
    expect(api.sentTo(OMAR).some((said) => said.startsWith('That reached no one'))).toBe(false);
  });

  it('the store out of reach right after the delete: the erase is done, and the next sweep tells Omar, once', async () => {
    const { app, api } = await laylaHeldSheenaWaiting();
    // Right after the delete, the store refuses the next transaction (the one that tells him), once.
    refuseAfterTheDelete(app, 'Connection terminated unexpectedly', 1);

    await eraseLayla(app);
    expect(await app.store.conversation(1)).toBeUndefined();
    await app.runtime.sweep();
    await sentIn(api, OMAR, NOTICE);
    await sentIn(api, OMAR, '#2 · new conversation', true);
    await app.runtime.sweep();
    expect(await post(app, text(OMAR, FOR_LAYLA))).toBe(200);
    await sentIn(api, OMAR, REFUSED);
    expect(api.sentTo(OMAR).filter((said) => said === NOTICE)).toHaveLength(1);
    expect(await sheenaWasSent(app, api, '240 EUR')).toBe(false);
  });

  it('the process stops right after the delete, before telling: at the next start Omar is told, once, and Sheena gets the seat', async () => {
    const { app, api, dir } = await laylaHeldSheenaWaiting();
    // From the delete on, nothing more is stored (as a process killed right after it would leave things).
    refuseAfterTheDelete(app, 'the process is gone');
    await eraseLayla(app);
    await app.stop();
    expect(api.sentTo(OMAR)).not.toContain(NOTICE);

    const again = await startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN, CONTACT_RATE_LIMIT: { capacity: 100_000, perMs: 60_000 } },
      log: quietLog, watch: false, sweepEveryMs: 0,
    });
    stopAfterTest(again);
    await sentIn(api, OMAR, NOTICE);
    await sentIn(api, OMAR, '#2 · new conversation', true);
    await again.runtime.sweep();
    expect(await post(again, text(OMAR, FOR_LAYLA))).toBe(200);
    await sentIn(api, OMAR, REFUSED);
    expect(api.sentTo(OMAR).filter((said) => said === NOTICE)).toHaveLength(1);
  });

  it('a conversation of hers opened while the erase ran is erased with her: Omar who took it is told, and the seat goes to Sheena', async () => {
    const { app, api } = await withOmar('    max_open: 1\n');
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await sentIn(api, OMAR, '#1 · new conversation', true);
    expect(await post(app, text(OMAR, '/close'))).toBe(200);
    for (let tries = 0; (await app.store.conversation(1))?.status !== 'closed'; tries++) {
      if (tries > 100) throw new Error('#1 was not closed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // After the erase read her conversations (#1, closed), before its delete: she writes again, Omar takes #2, and
    // Sheena waits for his seat.
    beforeTheDelete(app, async () => {
      expect(await post(app, text(LAYLA, 'hello again'))).toBe(200);
      await sentIn(api, OMAR, '#2 · new conversation', true);
      expect(await post(app, text(SHEENA, 'hi'))).toBe(200);
      await sentIn(api, SHEENA, 'Please wait for an agent.', true);
    });

    await eraseLayla(app);
    const notice = NOTICE.replace('#1', '#2');
    await sentIn(api, OMAR, notice);
    expect(await app.store.conversation(2)).toBeUndefined();
    await sentIn(api, OMAR, '#3 · new conversation', true);
    expect(await app.store.conversation(3)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    // And his next plain message, which may be meant for Layla, waits for his choice.
    expect(await post(app, text(OMAR, FOR_LAYLA))).toBe(200);
    await sentIn(api, OMAR, REFUSED.replace('#1', '#2'));
    expect(await sheenaWasSent(app, api, '240 EUR')).toBe(false);
  });

  it('tells an Arabic agent in Arabic, and refuses his next plain message in Arabic', async () => {
    const { app, api } = await withOmar('    max_open: 5\n    language: ar\n');
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => said.includes('#1')));

    await eraseLayla(app);
    await sentIn(api, OMAR, `حُذفت المحادثة #1 بواسطة ${isolated('admin')} (حماية البيانات): لم تعد المحادثة ولا بيانات العميل موجودة، ولن يصل شيء مما تكتبه إلى العميل بعد الآن.`);
    expect(await post(app, text(OMAR, FOR_LAYLA))).toBe(200);
    await sentIn(api, OMAR, `لم يصل ذلك إلى أحد: حُذفت المحادثة #1 منذ آخر مرة اخترت فيها لمن تكتب. ردّ على إحدى رسائل العميل، أو اختر محادثة بالأمر ${isolated('/use N')} (يعرض ${isolated('/list')} محادثاتك).`);
  });

  it('tells the conversation\'s team desk topic, and closes it, as well as Omar who had taken it there', async () => {
    const DESK = -1001234567890;
    const team = `teams:\n  - name: Billing\n    telegram_desk: "${DESK}"\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n    max_open: 5\n`;
    const { app, api } = await withOmar(undefined, { team });
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((said) => said.startsWith('#1')));
    const inTopic = fixture('forum-topic-message');
    inTopic.update_id = nextUpdate++;
    Object.assign(inTopic.message, { message_id: nextMessage++, chat: { ...inTopic.message.chat, id: DESK }, text: 'Looking into it now' });
    expect(await post(app, inTopic)).toBe(200);
    await sentIn(api, LAYLA, 'Looking into it now');
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'omar' });

    await eraseLayla(app);
    await sentIn(api, DESK, NOTICE);
    const told = api.callsOf('sendMessage').find((call) => call.params.text === NOTICE && String(call.params.chat_id) === String(DESK));
    // In the conversation's topic (the fake Bot API's first), not in the group's general chat.
    expect(told?.params.message_thread_id).toBe(55);
    await sentIn(api, OMAR, NOTICE);
    await eventually(() => api.callsOf('closeForumTopic').length === 1);
  });
});
