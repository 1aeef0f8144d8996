// How customers read a team's name in what the bot tells them (queued, moved to another team): by the team's
// title in team.yaml, in their language, never by the name flows route by. The shipped flow and team.yaml first.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from './harness.ts';

afterEach(cleanupDirs);

const shipped = (path: string) => readFile(fileURLToPath(new URL(`../../data/${path}`, import.meta.url)), 'utf8');

async function setUp(flows: Record<string, string>, team: string) {
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const h = await harness(await dataDirWithTeam(flows, team), [customers, agents]);
  const customer = (id: string, text: string, name: string) => h.send('whatsapp', id, text, { from: { id, name } });
  const agent = (text: string) => h.send('telegram', '9001', text, { from: { id: '9001', name: 'Omar' } });
  return { h, customers, agents, customer, agent };
}

describe('team titles customers read', () => {
  it('tells an Arabic customer of the shipped flow they wait for «فريق الفواتير» and are moved to «فريق المبيعات»; an English one reads Billing and Sales', async () => {
    const { h, customers, customer, agent } = await setUp({ 'inbound.yaml': await shipped('flows/inbound.yaml') }, await shipped('team.yaml'));
    // No model is trained here: the flow asks with buttons, and the customer types the one they mean.
    for (const [id, name, texts] of [
      ['ar', 'ليلى', ['مرحبا', 'layla@example.com', 'عندي مشكلة', 'الفواتير']],
      ['en', 'Mona', ['hi', 'mona@example.com', 'I have a problem', 'Billing']],
    ] as const) {
      for (const text of texts) await customer(id, text, name);
    }
    expect(customers.textsTo('ar').at(-1)).toBe('لا يوجد أحد من فريق الفواتير متاح حاليًا، وترتيبك 1 في قائمة الانتظار. يُرجى البقاء هنا، وسنكون معك قريبًا.');
    expect(customers.textsTo('en').at(-1)).toBe("Nobody on our Billing team is free right now: you are number 2 in line. Stay here, we'll be with you shortly.");

    // Omar (max_open 3) takes both, and moves them to Sales, where nobody is online.
    await agent('/online');
    expect(customers.textsTo('ar').at(-1)).toBe('انضم \u2068Omar\u2069 إلى المحادثة.');
    for (const conversation of await h.store.openConversations({ stage: 'assigned', agentId: 'omar' })) await agent(`/transfer ${conversation.id} Sales`);
    expect(customers.textsTo('ar').at(-1)).toBe('تم تحويل محادثتك إلى فريق المبيعات. ترتيبك 1 في قائمة الانتظار.');
    expect(customers.textsTo('en').at(-1)).toBe('Your conversation was passed to our Sales team. You are number 2 in line.');
    await h.close();
  });

  it('shows a team without an Arabic title by its English one, and one without a title by its name in team.yaml, as spelt there', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - assign: { team: vip }
    queued: { en: "The {{conversation.team}} team will answer you.", ar: "سيرد عليك فريق {{conversation.team}}." }
`;
    const team = `
teams:
  - name: vip
    title: { en: VIP care }
  - name: Returns
agents:
  - name: Omar
    telegram: 9001
    teams: [vip, returns]
`;
    const { h, customers, customer, agent } = await setUp({ 'inbound.yaml': flow }, team);
    await customer('ar', 'مرحبا', 'ليلى');
    await customer('en', 'hello', 'Mona');
    expect(customers.textsTo('ar').at(-1)).toBe('سيرد عليك فريق VIP care.');
    expect(customers.textsTo('en').at(-1)).toBe('The VIP care team will answer you.');
    // Omar takes the first in line (Layla), and moves her to returns as he types it: she reads team.yaml's spelling.
    await agent('/online');
    const [held] = await h.store.openConversations({ stage: 'assigned', agentId: 'omar' });
    await agent('/away');
    await agent(`/transfer ${held!.id} returns`);
    expect(customers.textsTo('ar').at(-1)).toBe('تم تحويل محادثتك إلى فريق Returns. ترتيبك 1 في قائمة الانتظار.');
    await h.close();
  });
});

describe('team titles agents read', () => {
  it('shows an agent with language: ar the teams by their Arabic titles on the card, in /list and in what /transfer answers, and takes «/transfer الدعم الفني»', async () => {
    const team = (await shipped('team.yaml')).replace('# language: ar            #', 'language: ar #');
    const { h, customers, agents, customer, agent } = await setUp({ 'inbound.yaml': await shipped('flows/inbound.yaml') }, team);
    for (const text of ['مرحبا', 'layla@example.com', 'عندي مشكلة', 'الفواتير']) await customer('ar', text, 'ليلى');
    await agent('/online');
    const card = agents.textsTo('9001').find((text) => text.startsWith('#1 ·'))!;
    expect(card.split('\n')[0]).toBe('#1 · محادثة جديدة لفريق \u2068الفواتير\u2069');
    expect(card).not.toContain('Billing');

    await agent('/list');
    expect(agents.textsTo('9001').at(-1)).toBe([
      'أنت متصل.', 'محادثاتك (1/3):', '  #1 \u2068\u2068ليلى\u2069\u2069 · \u2068الفواتير\u2069',
      'قائمة انتظار \u2068الفواتير\u2069: فارغة.', 'قائمة انتظار \u2068الدعم الفني\u2069: فارغة.',
    ].join('\n'));

    // The team as he reads it: Support, for the customer too (Omar, in Support too, away: she waits in its queue).
    await agent('/away');
    await agent('/transfer الدعم الفني');
    expect((await h.store.conversation(1))?.team).toBe('Support');
    expect(agents.textsTo('9001').at(-1)).toBe('حُوّلت المحادثة #1 إلى فريق \u2068الدعم الفني\u2069 (وتنتظر في قائمة انتظاره).');
    expect(customers.textsTo('ar').at(-1)).toMatch(/^تم تحويل محادثتك إلى فريق الدعم الفني\./);
    await h.close();
  });

  it('shows an agent without a language the English titles, as before', async () => {
    const { h, agents, customer, agent } = await setUp({ 'inbound.yaml': await shipped('flows/inbound.yaml') }, await shipped('team.yaml'));
    for (const text of ['hi', 'mona@example.com', 'I have a problem', 'Billing']) await customer('en', text, 'Mona');
    await agent('/online');
    expect(agents.textsTo('9001').find((text) => text.startsWith('#1 ·'))!.split('\n')[0]).toBe('#1 · new conversation for Billing');
    await h.close();
  });
});
