// What an agent on the web chat reads of a WhatsApp customer, against the fake Graph API: an agent with language: ar
// reads in Arabic what a person at the business answered from the business app, and a text of only spaces or
// invisible characters is nothing said, as on Telegram: no blank-looking relay, no message in the transcript, and the
// customer's flow does not take it as an answer (it asks its question again).
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, visitor } from '../helpers.ts';
import { SHEENA, fixture, messagesBody, settled, startCloud, text, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const askFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "What is your order number?"\n    save: conversation.order\n  - say: "Thanks, checking order {{conversation.order}}."\n';
const team = (language = '') => `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n${language}`;

/** Polls the agent's web chat until a message says `part`; resolves to it. */
async function toldInWebchat(agent: ReturnType<typeof visitor>, part: string): Promise<string> {
  for (let waited = 0; waited < 3000; waited += 25) {
    const found = (await agent.messages()).map((m) => m.text).find((line) => line.includes(part));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the agent was not told "${part}"`);
}

/** Lina online (reading `language`), and Sheena's first text in her hands as #1. */
async function sheenaWithLina(language = '') {
  const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: team(language) });
  running.push(cloud);
  const lina = visitor(cloud.app.url, 'agent-lina');
  await lina.say('/online');
  expect((await cloud.post(fixture('text'))).status).toBe(200);
  await toldInWebchat(lina, '#1');
  return { cloud, lina };
}

describe('what a person at the business answers from the business app', () => {
  it('is relayed in Arabic words to an agent with language: ar who holds the conversation', async () => {
    const { cloud, lina } = await sheenaWithLina('    language: ar\n');
    expect((await cloud.post(fixture('business-app-echo'))).status).toBe(200);
    expect(await toldInWebchat(lina, 'Dana from the shop')).toBe(
      '#1 Sheena Nelson: \u2068(ردّ من تطبيق الأعمال) Hi Sheena, this is Dana from the shop, I\'ll check your order.\u2069',
    );
  });
});

describe('what a person at the business reacts from the business app', () => {
  /** The business app's 👍 on Sheena's first message, as Meta echoes it. */
  const reaction = () => {
    const body = fixture('business-app-echo');
    body.entry[0].changes[0].value.message_echoes = [{
      from: '15550783881', to: SHEENA, id: 'wamid.ECHO0002', timestamp: '1763950345', type: 'reaction',
      reaction: { message_id: fixture('text').entry[0].changes[0].value.messages[0].id, emoji: '👍' },
    }];
    return body;
  };

  it('is relayed as a reaction to the message it answers, in Arabic words to an agent with language: ar', async () => {
    const { cloud, lina } = await sheenaWithLina('    language: ar\n');
    expect((await cloud.post(reaction())).status).toBe(200);
    expect(await toldInWebchat(lina, '👍')).toBe(
      `#1 Sheena Nelson: \u2068(ردّ من تطبيق الأعمال) تفاعل بـ 👍 على «\u2068Hi, my order never arrived 😕\u2069»\u2069`,
    );
  });

  it('is relayed in English to an agent without a language', async () => {
    const { cloud, lina } = await sheenaWithLina();
    expect((await cloud.post(reaction())).status).toBe(200);
    expect(await toldInWebchat(lina, '👍')).toBe('#1 Sheena Nelson: (answered from the business app) reacted 👍 to "Hi, my order never arrived 😕"');
  });
});

describe('a customer\'s text of only spaces or invisible characters', () => {
  it('reaches no agent and stays out of the transcript, while the customer\'s real words go on reaching them', async () => {
    const { cloud, lina } = await sheenaWithLina();
    const before = (await lina.messages()).length;
    expect((await cloud.post(messagesBody([text('   ')]))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('\u200b\u200c\u2060 \ufeff')]))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('Still there?')]))).status).toBe(200);
    expect(await toldInWebchat(lina, 'Still there?')).toBe('#1 Sheena Nelson: Still there?');
    expect((await lina.messages()).slice(before).map((m) => m.text)).toEqual(['#1 Sheena Nelson: Still there?']);
    const [conversation] = await cloud.app.store.openConversations();
    const transcript = await cloud.app.store.messagesOfConversation(conversation!.id);
    expect(transcript.filter((m) => m.from === 'contact').map((m) => m.text)).toEqual(['Hi, my order never arrived 😕', 'Still there?']);
  });

  it('is no answer to the bot\'s question: the question is asked again, and waits for the real one', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': askFlow } });
    running.push(cloud);
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('\u200b')]))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('A-4521')]))).status).toBe(200);
    await settled(cloud);
    // Asked again, rather than nothing at all (invisible-answer.test.ts): she sees her message was read as nothing.
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['What is your order number?', 'What is your order number?', 'Thanks, checking order A-4521.']);
  });
});
