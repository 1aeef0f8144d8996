// The card an Arabic-speaking agent gets in Telegram, end to end against the fake Bot API with the shipped inbound
// flow and NLP data: the answers the flow kept under the labels the flow gives them, in Arabic, the customer's first
// message once (the flow copied it into the need), and what it is about as the route's Arabic title, not its intent id.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { OMAR, post, telegramServers, textNow as text } from './harness.ts';

const { setUp } = telegramServers();
const isolated = (said: string) => `\u2068${said}\u2069`;

const team = `
teams:
  - name: Billing
  - name: Support
  - name: Sales
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing, Support, Sales]
    max_open: 3
    language: ar
`;

describe('the card an Arabic agent gets in Telegram', () => {
  it('shows what the flow kept under its Arabic labels, the first message once, and the route\'s Arabic title', async () => {
    const { app, api } = await setUp({ webhook: true, shipped: true, team });
    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > 0);
    const layla = 6101;
    const need = 'I was charged twice for my subscription this month';
    expect(await post(app, text(layla, need))).toBe(200);
    await eventually(() => api.sentTo(layla).length === 2);
    expect(await post(app, text(layla, 'layla@example.com'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith('#1 ')), 30_000);
    expect(await app.store.conversation(1)).toMatchObject({ team: 'Billing', intent: 'billing', fields: { first_message: need, need } });

    const card = api.sentTo(OMAR).find((said) => said.startsWith('#1 '))!.split('\n');
    expect(card[1]).toMatch(new RegExp(` · بخصوص ${isolated('الفواتير')}$`));
    expect(card.slice(2, card.indexOf(''))).toEqual([
      `${isolated('البريد الإلكتروني')}: ${isolated('layla@example.com')}`,
      `${isolated('الطلب')}: ${isolated(need)}`,
    ]);
    expect(card.join('\n')).not.toMatch(/contact\.|conversation\.|first_message|billing/);
  }, 90_000);
});
