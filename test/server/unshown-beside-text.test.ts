// A card or an attachment nothing here can read, sent beside a text, reaches the agent as the text and a line saying
// something else came that cannot be shown (the README's "kept as a line"), on each channel where one message can
// carry both: a Bot Framework adaptive card, a Messenger template, Telegram paid media with a caption.
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { FakeGraphApi } from '../channels/meta/fake-graph-api.ts';
import { batch, PAGE_ID, PSID, textEvent } from '../channels/messenger/harness.ts';
import { webchatText } from '../channels/botframework/harness.ts';
import { agentToken, cleanupDirs, dataDirWith, eventually, quietLog, visitor } from '../helpers.ts';

const TOKEN = 'EAAG-test-token-0123456789';
const MESSENGER_SECRET = 'messenger-secret-0123456789';
const TELEGRAM_SECRET = 'telegram-secret-0123456789';
const FLOW = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

let app: Switchboard | undefined;
const closing: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await app?.stop();
  await Promise.all(closing.map((each) => each.close()));
  await cleanupDirs();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

it('shows the agent a customer\'s text and a line for the card sent beside it, where the card was dropped without a word', async () => {
  const telegram = await FakeBotApi.start();
  const graph = await FakeGraphApi.start(TOKEN);
  closing.push(telegram, graph);
  const dir = await dataDirWith({ 'inbound.yaml': FLOW });
  await writeFile(join(dir, 'team.yaml'), `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${agentToken('agent-lina')}\n    teams: [Billing]\n    max_open: 5\n`);
  app = await startSwitchboard({
    config: {
      PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir,
      TELEGRAM_BOT_TOKEN: '123456:unshown', TELEGRAM_API_ROOT: telegram.url, TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: MESSENGER_SECRET, MESSENGER_VERIFY_TOKEN: 'verify', GRAPH_API_ROOT: graph.url,
      BOTFRAMEWORK_NO_AUTH: '1',
    },
    log: quietLog,
    watch: false,
    sweepEveryMs: 0,
  });
  const url = app.url;
  const lina = visitor(url, 'agent-lina');
  await lina.say('/online');

  const messenger = (event: Record<string, unknown>) => {
    const body = batch([event]);
    return post(`${url}/webhooks/messenger`, body, { 'x-hub-signature-256': `sha256=${createHmac('sha256', MESSENGER_SECRET).update(JSON.stringify(body)).digest('hex')}` });
  };
  let n = 0;
  const tg = (message: Record<string, unknown>) => post(`${url}/webhooks/telegram`, {
    update_id: 770_000 + ++n,
    message: { message_id: n, date: 1763950300, chat: { id: 5151, type: 'private', first_name: 'Layla' }, from: { id: 5151, is_bot: false, first_name: 'Layla' }, ...message },
  }, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET });
  const bf = (activity: Record<string, unknown>) => post(`${url}/api/messages`, activity);

  // Each customer's first words put them in Lina's hands.
  expect(await bf(webchatText('hello from web chat', 'http://127.0.0.1:9/'))).toBe(200);
  expect(await messenger(textEvent('hello from messenger', { mid: 'm_first' }))).toBe(200);
  expect(await tg({ text: 'hello from telegram' })).toBe(200);
  await eventually(async () => {
    const texts = (await lina.messages()).map((m) => m.text).join('\n');
    return ['hello from web chat', 'hello from messenger', 'hello from telegram'].every((said) => texts.includes(said));
  }, 20_000);

  const card = { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Order 1234' }] } };
  expect(await bf({ ...webchatText('this is the order I mean', 'http://127.0.0.1:9/'), attachments: [card] })).toBe(200);
  const template = { type: 'template', payload: { template_type: 'generic', elements: [{ title: 'Blue dress' }] } };
  expect(await messenger({ sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, message: { mid: 'm_tpl', text: 'is this one in stock?', attachments: [template] } })).toBe(200);
  expect(await tg({ caption: 'the photo I paid for', paid_media: { star_count: 5, paid_media: [{ type: 'preview', width: 100, height: 100 }] } })).toBe(200);

  const relayOf = async (said: string) => {
    let found: string | undefined;
    await eventually(async () => {
      found = (await lina.messages()).map((m) => m.text).find((text) => text.includes(said));
      return found !== undefined;
    }, 20_000);
    return found!;
  };
  expect(await relayOf('this is the order I mean')).toContain('[a message that cannot be shown here (a card): ask the customer to write it]');
  expect(await relayOf('is this one in stock?')).toContain('[a message that cannot be shown here (template): ask the customer to write it]');
  expect(await relayOf('the photo I paid for')).toContain('[a message that cannot be shown here (paid_media): ask the customer to write it]');
}, 90_000);
