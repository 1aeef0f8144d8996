// An admin gives a waiting customer to an agent from the dashboard just as another agent takes them from Telegram
// (/claim): through the real server (a child process), the Bot API faked on 127.0.0.1. The dashboard says who its
// screen showed holding the conversation; once that changed, the admin's decision is refused in their words (English,
// Arabic) and the agent who took the customer keeps them. Embedded store only (see test/server/kill-points.ts).
import { expect, it } from 'vitest';
import { cleanUpAfterEach, KARIM, LAYLA, Life, OMAR, SARA } from './kill-points.ts';

cleanUpAfterEach();

/** Sara works for Billing too; one seat each, so that Karim waits in the queue while Sara holds Layla and Omar is away. */
const billingPair = `teams:
  - name: Billing
  - name: Support
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
    max_open: 1
  - name: Sara
    telegram: ${SARA}
    teams: [Billing, Support]
    max_open: 1
`;

/** Sara, online, holds Layla's #1 (Billing); with `omarAway`, Omar is away first. */
async function saraHoldsLayla(life: Life, omarAway = false): Promise<void> {
  await life.say(SARA, '/online');
  await life.sees(SARA, /online/i);
  if (omarAway) {
    await life.say(OMAR, '/away');
    await life.sees(OMAR, /away/i);
  }
  await life.say(LAYLA, 'hi');
  await life.say(LAYLA, 'layla@example.com');
  await life.say(LAYLA, 'Billing');
  await life.sees(SARA, /^#1 · new conversation/);
}

/** Sara holds Layla and Omar is away, so Karim's #2 waits in Billing's queue. */
async function saraHoldsLaylaKarimWaits(life: Life): Promise<void> {
  await saraHoldsLayla(life, true);
  await life.say(KARIM, 'hi');
  await life.say(KARIM, 'karim@example.com');
  await life.say(KARIM, 'Billing');
  await life.sees(KARIM, /number 1 in line/);
}

/** Omar takes the waiting Karim with /claim from Telegram and greets him. */
async function omarClaimsKarim(life: Life): Promise<void> {
  await life.say(OMAR, '/claim 2');
  await life.sees(OMAR, /^#2 is yours|^#2 · /);
  await life.say(OMAR, 'Hi Karim, Omar here: I am looking at your invoice.');
  await life.sees(KARIM, 'Hi Karim, Omar here: I am looking at your invoice.');
}

it.skipIf(process.env.STORE === 'postgres')('refuses to give a queued conversation an agent claimed meanwhile, and the agent keeps it', async () => {
  const life = await Life.begin(billingPair);
  await saraHoldsLaylaKarimWaits(life);

  // The admin's Queue showed #2 waiting; Omar's /claim from Telegram lands first.
  await omarClaimsKarim(life);

  const given = await life.admin('/conversations/2/transfer', { agentId: 'sara', holder: null });
  expect(given).toEqual({ status: 409, body: { error: '#2 is with Omar now, not as your screen showed it. Nothing was changed: look again, then decide.' } });
  const inArabic = await life.admin('/conversations/2/handback', { holder: 'sara' }, 'Nadia', 'ar');
  expect(inArabic.status).toBe(409);
  expect(inArabic.body.error).toBe('المحادثة #2 مع \u2068Omar\u2069 الآن، لا كما أظهرتها شاشتك. لم يتغير شيء: انظر مجددًا ثم قرّر.');
  expect((await life.conversations()).find((conversation) => conversation.id === 2)).toMatchObject({ stage: 'assigned', agentId: 'omar' });

  // Told what the screen showed, the decision goes through.
  expect(await life.admin('/conversations/2/transfer', { agentId: 'sara', holder: 'omar' })).toMatchObject({ status: 200, body: { message: '#2 is now with Sara.' } });
  await life.sees(OMAR, '#2 was given to Sara by Nadia.');
  await life.sees(KARIM, '\u2068Sara\u2069 has joined the conversation.');
  // Karim heard of Omar once, and of Sara once: nobody was told of the refused decisions.
  expect(life.sent(KARIM).filter((text) => text.includes('has joined'))).toEqual(['\u2068Omar\u2069 has joined the conversation.', '\u2068Sara\u2069 has joined the conversation.']);
  expect(life.sent(OMAR).filter((text) => text.includes('by Nadia'))).toEqual(['#2 was given to Sara by Nadia.']);
  await life.stop();
}, 180_000);

it.skipIf(process.env.STORE === 'postgres')('refuses to close a queued conversation an agent claimed meanwhile, and the agent keeps it', async () => {
  const life = await Life.begin(billingPair);
  await saraHoldsLaylaKarimWaits(life);

  // The admin's Queue showed #2 waiting, with nobody; Omar's /claim from Telegram lands before their close.
  await omarClaimsKarim(life);

  const closed = await life.admin('/conversations/2/close', { holder: null });
  expect(closed).toEqual({ status: 409, body: { error: '#2 is with Omar now, not as your screen showed it. Nothing was changed: look again, then decide.' } });
  const inArabic = await life.admin('/conversations/2/close', { note: 'duplicate', holder: null }, 'Nadia', 'ar');
  expect(inArabic).toMatchObject({ status: 409, body: { error: 'المحادثة #2 مع \u2068Omar\u2069 الآن، لا كما أظهرتها شاشتك. لم يتغير شيء: انظر مجددًا ثم قرّر.' } });
  expect((await life.conversations()).find((conversation) => conversation.id === 2)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'omar' });

  // Told what the screen showed, the close goes through; Karim heard of no close before it.
  expect(life.sent(KARIM).some((text) => /How did we do/.test(text))).toBe(false);
  expect(life.sent(OMAR).some((text) => /closed by Nadia/.test(text))).toBe(false);
  expect(await life.admin('/conversations/2/close', { holder: 'omar' })).toMatchObject({ status: 200, body: { message: 'Closed #2.' } });
  await life.sees(OMAR, '#2 was closed by Nadia.');
  await life.sees(KARIM, /How did we do/);
  await life.stop();
}, 180_000);

it.skipIf(process.env.STORE === 'postgres')('tells the admin who lost a close-versus-transfer race who closed the conversation and when', async () => {
  const life = await Life.begin(billingPair);
  await saraHoldsLayla(life);

  // Nadia and Rania both have #1 open with Sara; Nadia's close lands first.
  const before = Date.now();
  expect(await life.admin('/conversations/1/close', { holder: 'sara' }, 'Nadia')).toMatchObject({ status: 200, body: { message: 'Closed #1.' } });
  const after = Date.now();
  const lost = await life.admin('/conversations/1/transfer', { team: 'Support', holder: 'sara' }, 'Rania');
  expect(lost.status).toBe(409);
  const said = /^#1 was closed by Nadia on (\d{4}-\d\d-\d\d) at (\d\d:\d\d) UTC\. Nothing was changed\.$/.exec(lost.body.error ?? '');
  expect(said, lost.body.error).not.toBeNull();
  const at = Date.parse(`${said![1]}T${said![2]}:00Z`);
  expect(at).toBeGreaterThan(before - 60_000);
  expect(at).toBeLessThanOrEqual(after);
  const inArabic = await life.admin('/conversations/1/handback', { holder: 'sara' }, 'Rania', 'ar');
  expect(inArabic).toMatchObject({ status: 409, body: { error: `أُغلقت المحادثة #1 بواسطة \u2068Nadia\u2069 في \u2068${said![1]}\u2069 الساعة \u2068${said![2]} UTC\u2069. لم يتغير شيء.` } });
  // Nothing of the refused transfer reached Sara or Layla.
  expect(life.sent(SARA).filter((text) => /Rania/.test(text))).toEqual([]);
  expect(life.sent(LAYLA).some((text) => /joined/.test(text) && !/Sara/.test(text))).toBe(false);
  await life.stop();
}, 180_000);

it.skipIf(process.env.STORE === 'postgres')('refuses to hand back a conversation whose flow ended at the step that handed it over, and the agent keeps it', async () => {
  const life = await Life.begin(billingPair);
  await saraHoldsLayla(life);
  await life.sees(LAYLA, '\u2068Sara\u2069 has joined the conversation.');

  // The inbound flow ends with its assign step: handed back, the bot would have nothing to say, and the conversation
  // would end at once (the closing survey) with the customer told they are back with the assistant.
  const handedBack = await life.admin('/conversations/1/handback', { holder: 'sara' });
  expect(handedBack).toEqual({ status: 409, body: { error: 'The flow that handed #1 over (inbound) ends there: the bot has nothing more to say in it; it was not moved. Close it, or transfer it.' } });
  const inArabic = await life.admin('/conversations/1/handback', { holder: 'sara' }, 'Nadia', 'ar');
  expect(inArabic).toMatchObject({ status: 409, body: { error: 'المسار الذي سلّم المحادثة #1 (\u2068inbound\u2069) ينتهي عند تلك الخطوة: ليس لدى البوت ما يقوله بعدها؛ لم تُنقل المحادثة. أغلقها أو حوّلها.' } });
  expect((await life.conversations()).find((conversation) => conversation.id === 1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'sara' });
  // Sara's own /handback from Telegram is refused the same way: Layla stays with her.
  await life.say(SARA, '/handback 1');
  await life.sees(SARA, 'The flow that handed #1 over (inbound) ends there: the bot has nothing more to say in it; it stays with you. Close it, or transfer it.');
  // Sara still answers Layla, who heard of no hand back and no survey.
  await life.say(SARA, 'Layla, your refund is on its way.');
  await life.sees(LAYLA, 'Layla, your refund is on its way.');
  expect(life.sent(LAYLA).filter((text) => /assistant|How did we do/.test(text))).toEqual([]);
  await life.stop();
}, 180_000);
