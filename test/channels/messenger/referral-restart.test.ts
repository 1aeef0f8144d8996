// A returning customer opens the Page's m.me link with a ref (a campaign's), which Meta tells in a referral event of
// its own before they write; the server restarts (a deploy) before their message. Through the real server, stopped
// and started again on the same DATA_DIR, and the fake Graph API: the ref waits in the store, not in the process's
// memory, so the agent's card names the campaign the customer came from, not the one of their earlier visit, under a
// label in the agent's language (Came from, «مصدر الوصول»).
import { afterEach, describe, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, eventually, quietLog, visitor } from '../../helpers.ts';
import { APP_SECRET, PAGE_ID, PSID, TOKEN, VERIFY_TOKEN, batch, sign, startMessenger, textEvent, type MessengerServer } from './harness.ts';

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = (language?: 'ar') => `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n${language ? `    language: ${language}\n` : ''}`;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await cleanupDirs();
});

async function post(app: Switchboard, body: unknown): Promise<number> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${app.url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
  await res.arrayBuffer();
  return res.status;
}

/** The card of conversation `number` Lina was given. */
async function card(lina: ReturnType<typeof visitor>, number: number): Promise<string> {
  let found: string | undefined;
  await eventually(async () => {
    found = (await lina.messages()).map((m) => m.text).find((text) => text.startsWith(`#${number} ·`));
    return found !== undefined;
  });
  return found!;
}

describe('an m.me link\'s ref that comes before the customer writes, with a restart between', () => {
  for (const language of [undefined, 'ar'] as const) {
    it(`is on the card of the conversation their next message opens, not the ref of their earlier visit${language ? ' (an Arabic-speaking agent)' : ''}`, async () => {
      const first: MessengerServer = await startMessenger({ flows: { 'inbound.yaml': assignFlow }, team: team(language) });
      let stopped = false;
      cleanup.push(() => first.graph.close(), () => (stopped ? Promise.resolve() : first.app.stop()));
      const lina = visitor(first.app.url, 'agent-lina');
      await lina.say('/online');
      // Her first visit came through the spring campaign's link.
      const earlier = textEvent('Hi, I have a spring coupon', { timestamp: 1763950400000 });
      (earlier.message as Record<string, unknown>).referral = { ref: 'spring-coupon', source: 'SHORTLINK', type: 'OPEN_THREAD' };
      expect(await post(first.app, batch([earlier]))).toBe(200);
      expect(await card(lina, 1)).toContain('spring-coupon');
      await lina.say('/close 1');
      await eventually(async () => (await first.app.store.openConversations()).length === 0);

      // Weeks later she opens the summer campaign's link: Meta tells the ref at once, before she writes.
      const summer = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950500000, referral: { ref: 'summer-sale', source: 'SHORTLINK', type: 'OPEN_THREAD' } };
      expect(await post(first.app, batch([summer]))).toBe(200);
      await first.app.stop();
      stopped = true;

      const second = await startSwitchboard({
        config: {
          PORT: 0, HOST: '127.0.0.1', DATA_DIR: first.dir,
          MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN, GRAPH_API_ROOT: first.graph.url,
        },
        log: quietLog, watch: false, sweepEveryMs: 0,
      });
      cleanup.push(() => second.stop());
      const again = visitor(second.url, 'agent-lina');
      await again.say('/online');
      expect(await post(second, batch([textEvent('Hello again, is the summer sale on?', { timestamp: 1763950510000 })]))).toBe(200);
      const shown = await card(again, 2);
      // Before: the ref waited in the first process's memory, lost with it; the card named the spring coupon.
      expect(shown).toContain('summer-sale');
      expect(shown).not.toContain('spring-coupon');
      // Named in the agent's language, not as the field's path.
      expect(shown).toContain(language === 'ar' ? '\u2068مصدر الوصول\u2069: \u2068summer-sale\u2069' : 'Came from: summer-sale');
      expect((await second.store.contacts())[0]!.fields.referral).toBe('summer-sale');
      // Taken by the message: nothing waits for her next one.
      expect(await second.store.doc('waiting-referrals', `messenger:${PSID}`)).toBeUndefined();
    }, 60_000);
  }
});
