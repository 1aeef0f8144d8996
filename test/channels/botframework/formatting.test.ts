// Styled words in Teams, through the real server, the fake Bot Framework services and the fake Bot API: Teams shows
// markdown, so what an agent styles on Telegram reaches a customer on Teams in it (the rest of the text escaped, so a
// "5 * 3" shows as written), and a Telegram customer's styles reach an agent on Teams so. Texts without styles go
// plain, as before.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { FakeBotApi } from '../telegram/fake-bot-api.ts';
import { LAYLA, OMAR as OMAR_TELEGRAM, SECRET, TOKEN, post } from '../telegram/harness.ts';
import { ASSIGN_FLOW, OMAR, OMAR_TEAM, settled, startBotFramework, teamsText, type BotFrameworkServer } from './harness.ts';

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
  await cleanupDirs();
});

let nextUpdate = 700_000;
/** A private Telegram message from `chat` with `fields`, as Telegram sends it. */
function telegram(chat: number, fields: Record<string, unknown>): Record<string, unknown> {
  const person = { id: chat, first_name: chat === LAYLA ? 'Layla' : 'Omar' };
  return { update_id: nextUpdate, message: { message_id: nextUpdate++, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, ...fields } };
}

/** The Bot Framework channel and Telegram on one server; `team`, team.yaml. */
async function servers(team: string): Promise<{ bf: BotFrameworkServer; api: FakeBotApi }> {
  const api = await FakeBotApi.start();
  running.push({ stop: () => api.close() });
  const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team, config: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET } });
  running.push(bf);
  return { bf, api };
}

describe('Teams shows styled words in its markdown', () => {
  it('a Telegram agent\'s styles reach Khalid on Teams as markdown, the rest escaped; a text without styles goes plain', async () => {
    // Omar works from Telegram; the Teams user of the fixture is a customer here, Khalid.
    const { bf, api } = await servers(`teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: ${OMAR_TELEGRAM}\n    teams: [Billing]\n`);
    const teams = bf.service.serviceUrl('teams');
    expect(await post(bf.app, telegram(OMAR_TELEGRAM, { text: '/online' }))).toBe(200);
    expect((await bf.post(teamsText('Hello, my refund?', teams))).status).toBe(200);
    await eventually(async () => (await bf.app.store.conversation(1))?.agentId !== undefined);
    await eventually(() => api.sentTo(OMAR_TELEGRAM).some((text) => text.startsWith('#1')));

    const words = 'Your refund is approved: code R-42, not R-24. 5 * 3 = 15 EUR [fees] for refunds_team\n- paid <today>';
    const at = (part: string) => words.indexOf(part);
    const entities = [
      { type: 'underline', offset: 0, length: 4 }, { type: 'bold', offset: at('approved'), length: 8 }, { type: 'code', offset: at('R-42'), length: 4 },
      { type: 'strikethrough', offset: at('R-24'), length: 4 }, { type: 'italic', offset: at('paid'), length: 4 },
    ];
    expect(await post(bf.app, telegram(OMAR_TELEGRAM, { text: words, entities }))).toBe(200);
    expect(await post(bf.app, telegram(OMAR_TELEGRAM, { text: 'Thanks! 5 * 3 is 15.' }))).toBe(200);
    const toKhalid = () => bf.service.sentTo('a:1omarPersonalChat', 'teams').map((sent) => sent.activity).filter((activity) => activity.text?.includes('5 '));
    await eventually(() => toKhalid().length === 2);
    await settled(bf);
    expect(toKhalid().map((activity) => ({ text: activity.text, textFormat: activity.textFormat }))).toEqual([
      { text: 'Your refund is **approved**: code `R-42`, not ~~R-24~~. 5 \\* 3 = 15 EUR \\[fees\\] for refunds\\_team\n\\- _paid_ \\<today\\>', textFormat: 'markdown' },
      { text: 'Thanks! 5 * 3 is 15.', textFormat: 'plain' },
    ]);
  });

  it('a Telegram customer\'s styles reach Omar on Teams as markdown, after the relay\'s own words', async () => {
    const { bf } = await servers(OMAR_TEAM);
    const teams = bf.service.serviceUrl('teams');
    expect((await bf.post(teamsText('/online', teams))).status).toBe(200);
    await settled(bf, OMAR);
    expect(await post(bf.app, telegram(LAYLA, { text: 'Hello' }))).toBe(200);
    await eventually(async () => (await bf.app.store.conversation(1))?.agentId !== undefined);
    await settled(bf, OMAR);
    const said = 'My code R-42 failed, it is urgent (5 * 3 times)';
    expect(await post(bf.app, telegram(LAYLA, { text: said, entities: [{ type: 'code', offset: said.indexOf('R-42'), length: 4 }, { type: 'bold', offset: said.indexOf('urgent'), length: 6 }] }))).toBe(200);
    // "#1" escaped too: markdown shows it as written.
    const toOmar = () => bf.service.sentTo('a:1omarPersonalChat', 'teams').map((sent) => sent.activity).filter((activity) => activity.text?.includes('R-42'));
    await eventually(() => toOmar().some((activity) => activity.text.startsWith('\\#1 Layla')));
    expect(toOmar().find((activity) => activity.text.startsWith('\\#1 Layla'))).toMatchObject({ text: '\\#1 Layla: My code `R-42` failed, it is **urgent** (5 \\* 3 times)', textFormat: 'markdown' });
  });
});
