// An agent's /close (Telegram, process B) races the customer's next two messages (process A, or both processes
// as a load balancer retrying). What the customer and the agent see at the fake Bot API must make sense: the close
// notice once, before anything of a new conversation; at most one open conversation; every customer message stored
// once and shown to the agent once (relayed in the old conversation, or on the new one's card); nothing sent twice.
// Or the /close is refused, when her words came into Omar's chat after it: the conversation stays open, no notice.
import { expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { AGENT_CHAT, allSent, deliverToAll, quiet, sleep, twoAppsForFile, until, update } from './postgres-two-apps.ts';

const ROUNDS = Number(process.env.ATTACK_ROUNDS ?? 25);
const BOTH = process.env.ATTACK_BOTH === '1';
const team = `teams:\n  - name: Support\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: 50\n`;
const two = twoAppsForFile(undefined, team);
const { apps } = two;

it.skipIf(!databaseUrl)('an agent closing while the customer writes: one notice, in order, nothing lost or doubled', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const api = two.api();
  const db = two.db();
  expect(await deliverToAll([b.url], update(AGENT_CHAT, '/online'))).toEqual([200]);
  const problems: string[] = [];
  const shapes: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const chat = 60_000 + round;
    expect(await deliverToAll([a.url], update(chat, 'hi'))).toEqual([200]);
    expect(await deliverToAll([a.url], update(chat, `r${round}-need`))).toEqual([200]);
    const contact = await a.store.contactByIdentity('telegram', String(chat));
    let first: number | undefined;
    await until('assigned', async () => {
      const open = (await a.store.openConversations()).find((c) => c.contactId === contact?.id);
      first = open?.id;
      return open?.stage === 'assigned';
    });
    // The card, the customer's notices, and what the round before's tidying caused, have gone out.
    await allSent(db);
    const agentBefore = api.sentTo(AGENT_CHAT).length;
    const jitter = Math.random() * 30;
    const closeJitter = Math.random() * 40;
    const one = update(chat, `r${round}-one`);
    const two = update(chat, `r${round}-two`);
    const customerUrls = BOTH ? [a.url, b.url] : [a.url];
    await Promise.all([
      sleep(closeJitter).then(() => deliverToAll([b.url], update(AGENT_CHAT, `/close ${first}`))),
      sleep(jitter).then(async () => {
        const s1 = await deliverToAll(customerUrls, one);
        const s2 = await deliverToAll(customerUrls, two);
        if ([...s1, ...s2].some((s) => s !== 200)) problems.push(`round ${round}: customer statuses ${s1} ${s2}`);
      }),
    ]);
    await quiet(api);
    const customer = api.sentTo(chat);
    const agent = api.sentTo(AGENT_CHAT).slice(agentBefore);
    const conversations = (await a.store.conversationsOfContacts([contact!.id]));
    const open = conversations.filter((c) => c.status === 'open');
    const messages = await a.store.messagesOfContact(contact!.id);
    const stored = (text: string) => messages.filter((m) => m.direction === 'in' && m.from === 'contact' && m.text === text);
    const where = (text: string) => stored(text).map((m) => m.conversationId === first ? 'old' : 'new').join('+');
    const shape = `${where(`r${round}-one`)},${where(`r${round}-two`)}`;
    shapes[shape] = (shapes[shape] ?? 0) + 1;
    const say = (what: string) => problems.push(`round ${round} (jitter ${jitter.toFixed(1)}/${closeJitter.toFixed(1)}, ${shape}): ${what}\n   customer saw ${JSON.stringify(customer)}\n   agent saw ${JSON.stringify(agent)}`);
    if (open.length > 1) say(`${open.length} open conversations`);
    // The /close may be refused: the customer's words came into Omar's chat after it (their relay's message id is
    // higher), so he had not read them. The conversation then stays open with both words in it, and no notice.
    const refused = agent.some((line) => line.includes('Nothing was closed: read it, then close again.'));
    if (refused) shapes[`${shape} (close refused)`] = (shapes[`${shape} (close refused)`] ?? 0) + 1;
    if (refused && (open.length !== 1 || open[0]?.id !== first || shape !== 'old,old')) say('the close was refused, but the conversation did not stay open with the words in it');
    const relays = agent.filter((line) => !line.includes('Nothing was closed'));
    for (const text of [`r${round}-one`, `r${round}-two`]) {
      if (stored(text).length !== 1) say(`${text} stored ${stored(text).length} times`);
      const shown = relays.filter((line) => line.includes(text)).length;
      const inOld = stored(text)[0]?.conversationId === first;
      if (inOld ? shown !== 1 : shown > 1) say(`${text} (${inOld ? 'old' : 'new'} conversation) shown to the agent ${shown} times`);
    }
    const closedAt = customer.findIndex((t) => t.startsWith('This conversation is now closed.'));
    if (customer.filter((t) => t.startsWith('This conversation is now closed.')).length !== (refused ? 0 : 1)) say(`close notice not exactly ${refused ? 'never' : 'once'}`);
    const questions = customer.map((t, i) => (t === 'What do you need?' ? i : -1)).filter((i) => i >= 0);
    if (questions.length === 2 && questions[1]! < closedAt) say('the new conversation\'s question came before the close notice');
    const expectQuestions = stored(`r${round}-one`)[0]?.conversationId !== first || stored(`r${round}-two`)[0]?.conversationId !== first ? 2 : 1;
    if (questions.length !== expectQuestions) say(`"What do you need?" ${questions.length} times, expected ${expectQuestions}`);
    // Tidy: close whatever is open.
    for (const c of open) await a.runtime.act({ kind: 'admin', name: 'test' } as never, { kind: 'close', conversationId: c.id } as never);
  }
  expect(problems).toEqual([]);
}, 600_000);
