// An agent who leaves with conversations open, through the real server and a fake Bot API: `/offline` (the word agents
// reach for) is Away, not an unknown command answered "Did you mean /online?" while they stay online and go on being
// given customers nobody answers; in English and Arabic.
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../helpers.ts';
import { OMAR, post, telegramServers, textNow } from './telegram/harness.ts';

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const teamOf = (language = '') => `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n${language}`;

const telegram = telegramServers();

describe('an agent who types /offline while holding a customer', () => {
  it('is away: told so, given no new customer (who waits in the queue), and the one they hold stays theirs', async () => {
    const { app, api } = await telegram.setUp({ webhook: true, team: teamOf(), flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    const layla = visitor(app.url, `layla-${Math.random()}`, 'Layla');
    await layla.say('My invoice is wrong');
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('My invoice is wrong')));

    expect(await post(app, textNow(OMAR, '/offline'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)?.startsWith('You are away') === true);
    expect(api.sentTo(OMAR).at(-1)).toBe('You are away: no new conversations until you are online again (/online).');
    const nadia = visitor(app.url, `nadia-${Math.random()}`, 'Nadia');
    await nadia.say('I need help too');
    await eventually(async () => (await nadia.botTexts()).includes('Please wait for an agent.'));
    expect((await app.store.openConversations()).map((c) => [c.id, c.stage, c.agentId])).toEqual([[1, 'assigned', 'omar'], [2, 'queued', undefined]]);
  });

  it('says it in Arabic to an agent who reads Arabic', async () => {
    const { app, api } = await telegram.setUp({ webhook: true, team: teamOf('    language: ar\n'), flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    expect(await post(app, textNow(OMAR, '/offline'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 2);
    expect(api.sentTo(OMAR).at(-1)).toBe('أنت غير متاح الآن: لن تصلك محادثات جديدة حتى تتصل مجددًا (\u2068/online\u2069).');
  });

  it.each(['/غير متصل', '/أوفلاين', '/اوفلاين'])('is away with %s, its Arabic word, and given no new customer', async (typed) => {
    // Before: «لا يوجد أمر /غير. أرسل /help لعرض الأوامر.» (/أوفلاين: «لا يوجد أمر /أوفلاين»), and Omar stayed online.
    const { app, api } = await telegram.setUp({ webhook: true, team: teamOf('    language: ar\n'), flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    expect(await post(app, textNow(OMAR, typed))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 2);
    expect(api.sentTo(OMAR).at(-1)).toBe('أنت غير متاح الآن: لن تصلك محادثات جديدة حتى تتصل مجددًا (\u2068/online\u2069).');
    const nadia = visitor(app.url, `nadia-${Math.random()}`, 'Nadia');
    await nadia.say('أحتاج مساعدة');
    await eventually(async () => (await nadia.botTexts()).includes('Please wait for an agent.'));
    expect((await app.store.openConversations()).map((c) => [c.stage, c.agentId])).toEqual([['queued', undefined]]);
  });
});
