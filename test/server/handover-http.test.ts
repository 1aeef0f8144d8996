// The whole handover on the embedded defaults, over HTTP: a customer and an agent, both in the web chat,
// and the reports API on a scripted timeline.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';

afterEach(cleanupDirs);

let clock = new Date('2026-11-24T09:00:00Z');
const now = () => clock;
const at = (seconds: number) => (clock = new Date(Date.parse('2026-11-24T09:00:00Z') + seconds * 1000));

describe('handover in the web chat', () => {
  it('takes a customer from the first message to an agent in the web chat, and back to the bot after /close', async () => {
    at(0);
    const app = await start(await shippedDataDir(), { now, adminToken: 'test-admin-token' });
    const omar = visitor(app.url, 'agent-omar');
    const layla = visitor(app.url, 'layla', 'Layla');

    await omar.say('/online');
    expect((await omar.messages()).at(-1)?.text).toMatch(/You are online/);

    await layla.say('hello');
    at(20);
    await layla.say('layla@example.com');
    at(60);
    // The NLP model routes the need to Billing, where Omar is online.
    await layla.say('I was charged twice');

    const card = (await omar.messages()).at(-1)!;
    expect(card.from).toBe('bot');
    expect(card.text).toMatch(/#1/);
    expect(card.text).toContain('Layla');
    expect(card.text).toContain('layla@example.com');
    expect(card.text).toContain('I was charged twice');

    await layla.say('Are you there?');
    expect((await omar.messages()).at(-1)?.text).toBe('#1 Layla: Are you there?');
    at(180);
    await omar.quote('Yes! I have refunded the second charge.', (await omar.messages()).at(-1)!.id);
    const seen = await layla.messages();
    expect(seen.at(-1)).toMatchObject({ from: 'agent', text: 'Yes! I have refunded the second charge.' });
    // The bot's last words before Omar: the flow's question, then the notice that he joined.
    expect(seen.filter((m) => m.from === 'bot').map((m) => m.text).slice(-2)).toEqual(['How can we help you today?', '\u2068Omar\u2069 has joined the conversation.']);

    at(600);
    await omar.say('/close refunded');
    expect((await omar.messages()).at(-1)?.text).toBe('Closed #1 (refunded).');
    await layla.say('thanks, one more question');
    // A new conversation: the flow asks neither the email it knows nor the need, which her first message gave
    // (too vague to route, so she is asked which team).
    expect((await layla.messages()).slice(-2).map((m) => m.text)).toEqual(['Hi Layla! Thanks for getting in touch.', 'Is this about billing, a technical problem, or a purchase?']);

    const report = await fetch(`${app.url}/api/reports?from=2026-11-24&to=2026-11-25`, { headers: { authorization: 'Bearer test-admin-token' } });
    expect(report.status).toBe(200);
    const body = (await report.json()) as { total: Record<string, unknown>; agents: Record<string, Record<string, unknown>>; teams: Record<string, Record<string, unknown>>; queue: Record<string, unknown> };
    expect(body.total).toMatchObject({
      opened: 2, closed: 1, assigned: 1, stillOpen: 1,
      timeToAssignment: { count: 1, median: 60, p90: 60 },
      firstResponse: { count: 1, median: 180, p90: 180 },
      resolution: { count: 1, median: 600, p90: 600 },
    });
    expect(body.agents.omar).toMatchObject({ name: 'Omar', assigned: 1, firstResponse: { count: 1, median: 180, p90: 180 } });
    expect(body.teams.Billing).toMatchObject({ opened: 1, resolution: { count: 1, median: 600, p90: 600 } });
    expect(body.teams.Sales).toMatchObject({ opened: 0, resolution: { count: 0, median: null, p90: null } });
    await app.stop();
  });

  it('ends a close confirmation with one stop when the closing note ends a sentence of its own, from an agent command and from the dashboard', async () => {
    at(0);
    const app = await start(await shippedDataDir(), { now, adminToken: 'test-admin-token' });
    const omar = visitor(app.url, 'agent-omar');
    await omar.say('/online');
    for (const [customer, id] of [['layla', 1], ['sara', 2]] as const) {
      const contact = visitor(app.url, customer, customer);
      for (const text of ['hello', `${customer}@example.com`, 'I was charged twice']) await contact.say(text);
      expect((await app.store.conversation(id))?.agentId).toBe('omar');
    }

    await omar.say('/close 1 Your refund is on its way.');
    expect((await omar.messages()).at(-1)?.text).toBe('Closed #1 (Your refund is on its way.)');
    await omar.say('/close 2 refunded');
    expect((await omar.messages()).at(-1)?.text).toBe('Closed #2 (refunded).');

    const nadia = visitor(app.url, 'nadia', 'nadia');
    for (const text of ['hello', 'nadia@example.com', 'I was charged twice']) await nadia.say(text);
    expect((await app.store.conversation(3))?.agentId).toBe('omar');
    const closed = await fetch(`${app.url}/api/conversations/3/close`, {
      method: 'POST', headers: { authorization: 'Bearer test-admin-token', 'x-admin-name': 'Mona', 'content-type': 'application/json' }, body: JSON.stringify({ note: 'Refunded twice!' }),
    });
    expect(await closed.json()).toMatchObject({ message: 'Closed #3 (Refunded twice!)' });
    expect((await omar.messages()).map((m) => m.text)).toContain('#3 was closed by Mona (Refunded twice!)');
    await app.stop();
  });

  it('tells the customer a shared closing note as a sentence of its own, with a stop only where the agent wrote none', async () => {
    at(0);
    const app = await start(await shippedDataDir(), { now });
    const omar = visitor(app.url, 'agent-omar');
    await omar.say('/online');
    const customers = [visitor(app.url, 'layla', 'Layla'), visitor(app.url, 'sara', 'Sara'), visitor(app.url, 'rania', 'Rania')];
    for (const [index, contact] of customers.entries()) {
      for (const text of ['hello', `c${index}@example.com`, 'I was charged twice']) await contact.say(text);
    }
    await omar.say('/close 1 "refunded"');
    await omar.say('/close 2 "Your refund is on its way."');
    await omar.say('/close 3 "تم رد المبلغ"');
    const closedNotice = async (contact: (typeof customers)[number]) => (await contact.botTexts()).find((text) => text.startsWith('This conversation is now closed.'));
    // The note is set apart for right-to-left text (U+2068 … U+2069), its stop within it.
    expect(await closedNotice(customers[0]!)).toBe('This conversation is now closed. \u2068refunded.\u2069 Write to us any time.');
    expect(await closedNotice(customers[1]!)).toBe('This conversation is now closed. \u2068Your refund is on its way.\u2069 Write to us any time.');
    expect(await closedNotice(customers[2]!)).toBe('This conversation is now closed. \u2068تم رد المبلغ.\u2069 Write to us any time.');
    await app.stop();
  });

  it('tells a customer who gave no email, when nobody was free within 30 minutes, to write again here: not that we have their email', async () => {
    at(0);
    const app = await start(await shippedDataDir(), { now });
    const tom = visitor(app.url, 'tom', 'Tom');
    for (const text of ['hello', 'tom at example', 'tom@', 'no']) await tom.say(text);
    await tom.say('I was charged twice');
    expect((await tom.botTexts()).at(-1)).toMatch(/you are number 1 in line/);
    at(31 * 60);
    await app.runtime.sweep();
    expect((await tom.botTexts()).at(-1)).toBe('Sorry for the wait: nobody is free right now. Please write to us here again a little later, and we will pick it up.');

    // With an email, that is where we answer.
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('hello');
    await layla.say('layla@example.com');
    await layla.say('I was charged twice');
    at(62 * 60);
    await app.runtime.sweep();
    expect((await layla.botTexts()).at(-1)).toBe('Sorry for the wait: nobody is free right now. We have your email and will get back to you there.');
    await app.stop();
  });

  it('refuses the reports API without the admin token, and bad dates with a reason', async () => {
    const app = await start(await shippedDataDir(), { adminToken: 'test-admin-token' });
    expect((await fetch(`${app.url}/api/reports`)).status).toBe(401);
    expect((await fetch(`${app.url}/api/reports`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const bad = await fetch(`${app.url}/api/reports?from=yesterday`, { headers: { authorization: 'Bearer test-admin-token' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/from: "yesterday" is not a date/);
    await app.stop();
    const off = await start(await shippedDataDir());
    expect((await fetch(`${off.url}/api/reports`)).status).toBe(503);
    await off.stop();
  });
});
