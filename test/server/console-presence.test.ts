// An agent whom only the agent console reaches (a `webchat:` session, no messaging-app address) is set Away once no
// console of theirs has been connected for CONSOLE_AWAY_AFTER: a new customer is then queued and told so, instead of
// being given to nobody. An agent with a Telegram address stays Online with no console open while Telegram runs: their
// app reaches them. An agent working through the HTTP API alone (their web chat session polled, no event stream) is
// there too. Their own last action wins over a check deciding at the same moment.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentState } from '../../src/handover/agent-state.ts';
import type { ActionResult, AgentAction } from '../../src/handover/actions.ts';
import type { Agent } from '../../src/handover/team.ts';
import { ConsolePresence } from '../../src/server/console-presence.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { createLogger } from '../../src/shared/log.ts';
import { agentToken, cleanupDirs, recordingLog, shippedDataDir, start, visitor } from '../helpers.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';
import { follow } from './follow-stream.ts';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const each of running.splice(0).reverse()) await each.stop();
  await cleanupDirs();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An agent signed in at /agent, acting with the cookie it got. */
async function signIn(url: string, session: string) {
  const login = await fetch(`${url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken(session) }) });
  expect(login.status).toBe(204);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  return {
    state: async () => (await (await fetch(`${url}/agent/api/state`, { headers: { cookie } })).json()) as { status: string; awayBecause?: string },
    act: async (action: unknown) => (await (await fetch(`${url}/agent/api/act`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ action }) })).json()) as { ok: boolean },
    /** The console's event stream (its own web chat session's), connected again whenever it ends, as EventSource does, until aborted. */
    openStream: () => follow(`${url}/webchat/${session}/events?token=${agentToken(session)}`),
  };
}

async function statuses(url: string): Promise<Record<string, string>> {
  const { body } = await adminClient(url).get<{ agents: { id: string; status: string }[] }>('/agents');
  return Object.fromEntries(body.agents.map((agent) => [agent.id, agent.status]));
}

/** What a visitor read, without the marks that isolate a name's direction. */
async function read(person: ReturnType<typeof visitor>): Promise<string[]> {
  return (await person.messages()).map((message) => message.text.replace(/[\u2066-\u2069]/g, ''));
}

async function until(what: string, done: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

describe('console-only agents\' presence', () => {
  it('sets away an agent whose console closed, once the grace passed: a new customer is queued and told so; a Telegram agent stays online', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const app = await start(await shippedDataDir(), {
      adminToken: ADMIN_TOKEN,
      config: { CONSOLE_AWAY_AFTER: 1_000, TELEGRAM_BOT_TOKEN: '123456:presence', TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: 'presence-secret' },
    });
    running.push(app);
    // Sara (Support, Sales) has only the console; Omar (Billing, Support) has Telegram too. Both go online in the console.
    const sara = await signIn(app.url, 'agent-sara');
    const stream = await sara.openStream();
    expect(await sara.act({ kind: 'status', status: 'online' })).toMatchObject({ ok: true });
    const omar = await signIn(app.url, 'agent-omar');
    expect(await omar.act({ kind: 'status', status: 'online' })).toMatchObject({ ok: true });

    // Her console stays connected past the grace: she stays online.
    await sleep(2_500);
    expect(await statuses(app.url)).toMatchObject({ sara: 'online', omar: 'online' });

    // She closes the tab: after the grace she is away, on the Team page; Omar, whose console was never open, is not.
    stream.abort();
    await until('Sara is away', async () => (await statuses(app.url)).sara === 'away');
    expect((await statuses(app.url)).omar).toBe('online');

    // A customer for Sales (Sara's team alone) waits in its queue and is told so, instead of hearing Sara joined.
    const noor = visitor(app.url, 'noor', 'Noor');
    await noor.say('I want to buy the premium plan');
    await noor.say('noor@example.com');
    const said = await read(noor);
    expect(said.at(-1)).toBe('Nobody on our Sales team is free right now: you are number 1 in line. Stay here, we\'ll be with you shortly.');
    expect(said.some((text) => text.includes('Sara has joined'))).toBe(false);
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'queued', team: 'Sales' });

    // A Billing customer goes to Omar, online all along.
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('I was charged twice this month');
    await layla.say('layla@example.com');
    await until('Omar joined Layla', async () => (await read(layla)).includes('Omar has joined the conversation.'));

    // Opening her console again shows her away; pressing Online takes the customer who waited.
    expect((await sara.state()).status).toBe('away');
    expect(await sara.act({ kind: 'status', status: 'online' })).toMatchObject({ ok: true });
    await until('Sara joined Noor', async () => (await read(noor)).includes('Sara has joined the conversation.'));
  }, 30_000);

  it('sets away an agent whose stream stays open but whose page never connects again once the server renewed it (a laptop asleep)', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, config: { CONSOLE_AWAY_AFTER: 1_000 } });
    running.push(app);
    const sara = await signIn(app.url, 'agent-sara');
    // One connection, read to its end and never made again, as a page that went to sleep.
    const asleep = new AbortController();
    running.push({ stop: async () => asleep.abort() });
    const res = await fetch(`${app.url}/webchat/agent-sara/events?token=${agentToken('agent-sara')}`, { signal: asleep.signal });
    expect(res.status).toBe(200);
    void (async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) void chunk;
    })().catch(() => {});
    expect(await sara.act({ kind: 'status', status: 'online' })).toMatchObject({ ok: true });
    await until('Sara is away', async () => (await statuses(app.url)).sara === 'away');
  }, 30_000);

  it('sets away the shipped Omar too while Telegram does not run (no token): his console is all that reaches him', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, config: { CONSOLE_AWAY_AFTER: 1_000 } });
    running.push(app);
    const omar = await signIn(app.url, 'agent-omar');
    const stream = await omar.openStream();
    expect(await omar.act({ kind: 'status', status: 'online' })).toMatchObject({ ok: true });
    stream.abort();
    await until('Omar is away', async () => (await statuses(app.url)).omar === 'away');

    // A Billing customer is queued and told so; what the console then shows is Away.
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('I was charged twice this month');
    await layla.say('layla@example.com');
    expect((await read(layla)).at(-1)).toBe('Nobody on our Billing team is free right now: you are number 1 in line. Stay here, we\'ll be with you shortly.');
    expect((await omar.state()).status).toBe('away');
  }, 30_000);

  it('keeps online an agent who works through the web chat API alone, polling it without an event stream, and sets them away once they stop', async () => {
    // A 2 s grace: her reads are written down at most every 500 ms (a quarter of it) and come every 200 ms or so, which
    // leaves over a second for a read that a loaded machine holds up (with 1 s, about half of one).
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, config: { CONSOLE_AWAY_AFTER: 2_000 } });
    running.push(app);
    // Sara's own front end: /online typed in her web chat session, then its messages read every 200 ms, as a page
    // without EventSource (or a script of hers) reads them.
    const sara = visitor(app.url, 'agent-sara');
    expect((await sara.say('/online')).status).toBe(202);
    let polling = true;
    const polled = (async () => {
      while (polling) {
        await sara.messages();
        await sleep(200);
      }
    })();
    running.push({ stop: async () => { polling = false; await polled.catch(() => {}); } });
    await until('Sara is online', async () => (await statuses(app.url)).sara === 'online');

    // Two grace periods later she is still online, and a Sales customer (her team alone) gets her.
    await sleep(4_000);
    expect((await statuses(app.url)).sara).toBe('online');
    const noor = visitor(app.url, 'noor', 'Noor');
    await noor.say('I want to buy the premium plan');
    await noor.say('noor@example.com');
    await until('Sara joined Noor', async () => (await read(noor)).includes('Sara has joined the conversation.'));
    await until('Sara read of Noor', async () => (await sara.messages()).some((message) => message.text.includes('Noor')));

    // She stops: away after the grace.
    polling = false;
    await polled;
    await until('Sara is away', async () => (await statuses(app.url)).sara === 'away');
  }, 30_000);

  /**
   * A presence check standing for another process's (sharing this server's store, at a grace of 1 s, the server's own
   * too long to come round), whose Away is held between its decision and its transaction while `meanwhile` runs.
   */
  function checkHeldBy(app: Switchboard, meanwhile: () => Promise<void>): ConsolePresence {
    let held = false;
    const act = async (agent: Agent, action: AgentAction): Promise<ActionResult> => {
      if (!held && action.kind === 'status' && 'because' in action) {
        held = true;
        await meanwhile();
      }
      return app.runtime.act(agent, action);
    };
    return new ConsolePresence({ store: app.store, directory: app.directory, act, awayAfterMs: 1_000, running: () => false, log: createLogger({ level: 'silent' }) });
  }

  it('keeps the agent\'s own Online or Away, pressed as a check decided to set them away, and the console shows it', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, config: { CONSOLE_AWAY_AFTER: 60_000 } });
    running.push(app);
    const sara = await signIn(app.url, 'agent-sara');
    const gone = async () => {
      expect(await sara.act({ kind: 'status', status: 'online' })).toMatchObject({ ok: true });
      await sleep(1_300);
    };

    // Online, her console silent past the grace: the check decides Away; she presses Online before it lands.
    await gone();
    await checkHeldBy(app, async () => {
      expect(await sara.act({ kind: 'status', status: 'online' })).toMatchObject({ ok: true });
    }).check();
    expect(await sara.state()).toMatchObject({ status: 'online' });
    expect(await sara.state()).not.toHaveProperty('awayBecause');
    expect((await statuses(app.url)).sara).toBe('online');

    // A Sales customer then goes to her, as to anyone online.
    const noor = visitor(app.url, 'noor', 'Noor');
    await noor.say('I want to buy the premium plan');
    await noor.say('noor@example.com');
    await until('Sara joined Noor', async () => (await read(noor)).includes('Sara has joined the conversation.'));

    // The same with Away pressed: she is away by her own hand, and her console does not say a check set her away.
    await gone();
    await checkHeldBy(app, async () => {
      expect(await sara.act({ kind: 'status', status: 'away' })).toMatchObject({ ok: true });
    }).check();
    expect(await sara.state()).toEqual(expect.objectContaining({ status: 'away' }));
    expect(await sara.state()).not.toHaveProperty('awayBecause');
    expect((await app.store.doc<AgentState>('agents', 'sara'))?.awayBecause).toBeUndefined();

    // Her console's stream connects as the check decides: she stays online.
    await gone();
    const before = await app.store.doc<{ seenAt: string }>('console-presence', 'sara');
    await checkHeldBy(app, async () => {
      const stream = await sara.openStream();
      running.push({ stop: async () => stream.abort() });
      await until('her console is seen', async () => (await app.store.doc<{ seenAt: string }>('console-presence', 'sara'))?.seenAt !== before?.seenAt);
    }).check();
    expect(await sara.state()).toMatchObject({ status: 'online' });
  }, 30_000);

  it('sets away an agent when the grace runs out, not up to a check later (2 minutes, checked every 30 s), and logs why', async () => {
    // The server's own check is off: this one stands for it, on a clock that jumps to the end of the grace.
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, config: { CONSOLE_AWAY_AFTER: 0 } });
    running.push(app);
    let jumped = 0;
    const { log, lines } = recordingLog();
    const presence = new ConsolePresence({ store: app.store, directory: app.directory, act: app.runtime.act, awayAfterMs: 120_000, running: () => false, log, now: () => Date.now() + jumped });
    presence.start();
    running.push(presence);
    const sara = app.directory.agent('sara')!;
    expect(await app.runtime.act(sara, { kind: 'status', status: 'online' })).toMatchObject({ ok: true });
    // Her console seen last now; a check 4 s before the grace runs out finds her still there (4 s: what a loaded
    // machine may take between her being seen and the check, where 1 s was not always enough).
    await presence.seen(sara, true);
    jumped = 116_000;
    await presence.check();
    expect((await statuses(app.url)).sara).toBe('online');

    // Seconds later she is away: the next periodic check would come 30 s after this one.
    await until('Sara is away', async () => (await statuses(app.url)).sara === 'away', 20_000);
    // Logged once the Away is done, which the page may read a moment before.
    const setAway = () => lines.find((line) => line.agent === 'sara' && String(line.msg).includes('set away'));
    await until('her Away logged', async () => setAway() !== undefined, 5_000);
    expect(setAway()).toMatchObject({ reason: 'noConsole', awayAfterMs: 120_000 });
  }, 60_000);
});
