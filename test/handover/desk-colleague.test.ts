// What a colleague reads when they write in the Telegram desk topic of a conversation another agent of their team
// holds, against the fake Bot API: their words do not reach the customer (who was told who is with them), and the
// topic says so at once, in the team's language, with what to do instead.
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { LAYLA, OMAR, fixture, post, textNow, telegramServers } from '../channels/telegram/harness.ts';

const { setUp } = telegramServers();
const DESK = -1001234567890;
const SARA = 9002;
const isolated = (text: string) => `\u2068${text}\u2069`;

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n';
const team = (language = '') => `
teams:
  - name: Billing
    telegram_desk: "${DESK}"
${language}agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
  - name: Sara
    telegram: ${SARA}
    teams: [Billing]
`;

let nextMessage = 70_000;
/** `who`'s message in Layla's topic (55) of the desk group. */
function inTopic(who: { id: number; name: string }, text: string): Record<string, any> {
  const update = fixture('forum-topic-message');
  update.update_id = nextMessage;
  Object.assign(update.message, { message_id: nextMessage++, message_thread_id: 55, chat: { ...update.message.chat, id: DESK }, from: { id: who.id, is_bot: false, first_name: who.name }, text });
  return update;
}

/** Layla's conversation in the desk, taken by Omar writing in its topic. */
async function takenByOmar(language = '') {
  const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': assignFlow }, team: team(language) });
  expect(await post(app, textNow(LAYLA, 'I was charged twice'))).toBe(200);
  await eventually(() => api.sentTo(DESK).length === 1);
  expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, 'Looking into it now'))).toBe(200);
  await eventually(() => api.sentTo(LAYLA).includes('Looking into it now'));
  return { app, api };
}

describe('a colleague writing in the desk topic of a conversation another agent holds', () => {
  it('does not reach the customer, and the topic tells them so and what to do', async () => {
    const { app, api } = await takenByOmar();
    const toLayla = api.sentTo(LAYLA).length;
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, 'I refunded it already'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual(['Sara, that was not sent to Layla: #1 is with Omar. Ask Omar to pass it to you (/transfer 1 Sara in their chat with the bot).']);
    // Omar's next words reach Layla, and Sara's never did.
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, 'Refund done.'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Refund done.'));
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual(['Refund done.']);
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
  }, 30_000);

  it('is told in Arabic in the topic of a team with language: ar', async () => {
    const { app, api } = await takenByOmar('    language: ar\n');
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, 'تم الاسترداد'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([
      `${isolated('Sara')}، لم تُرسل هذه الرسالة إلى ${isolated('Layla')}: المحادثة #1 مع ${isolated('Omar')}. اطلب من ${isolated('Omar')} أن يحوّلها إليك (${isolated('/transfer 1 Sara')} في دردشته مع البوت).`,
    ]);
    expect(api.sentTo(LAYLA)).not.toContain('تم الاسترداد');
  }, 30_000);
});
