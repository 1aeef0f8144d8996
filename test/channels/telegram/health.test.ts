// Telegram's health as an operator reads it on /healthz (and an admin on the dashboard's banner): a webhook bot whose
// one send failed for a 5xx is not down while the outbox retries it; Telegram failing for a while is; and it is back as
// soon as Telegram answers, a short getMe asking meanwhile since nothing else calls Telegram in webhook mode. A webhook
// Telegram has not taken at boot keeps it down, whatever else answers, until setWebhook tried again succeeds; one it
// refused for its address is the operator's to fix, said so and not asked again every few seconds; a token refused
// at setWebhook is a refused token, logged with what to do and not asked again every few seconds either. Under long polling, two pollers overlapping in a rolling deploy are not an outage;
// a second poller that stays is.
import { GrammyError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { TelegramHealth } from '../../../src/channels/telegram/health.ts';
import { createTelegramChannel } from '../../../src/channels/telegram/index.ts';
import { isDown, type Channel } from '../../../src/types.ts';
import { eventually, hostFor, quietLog, recordingLog } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, post, SECRET, telegramServers, textNow, TOKEN } from './harness.ts';

const badGateway = { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } };
const unauthorized = { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
const CONFLICT_WORDS = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
const conflict = { status: 409, body: { ok: false, error_code: 409, description: CONFLICT_WORDS } };
const NOT_HTTPS = 'Bad Request: bad webhook: HTTPS url must be provided for webhook';
const notHttps = { status: 400, body: { ok: false, error_code: 400, description: NOT_HTTPS } };

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const { setUp } = telegramServers();

describe('Telegram health (webhook mode)', () => {
  it('stays up through one failed send, is unreachable once calls have failed for a while, since the first, and back as soon as getMe answers, with no send', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    const channel: Channel = createTelegramChannel({ token: TOKEN, apiRoot: api.url, webhookSecret: SECRET, log: quietLog, unreachableAfterMs: 1_000, probeMs: 50 });
    cleanup.push(() => channel.stop());

    // One send refused with a 502: a blip, not an outage; getMe asks again, and Telegram answers.
    api.fail('sendMessage', 1, badGateway);
    await expect(channel.send(String(LAYLA), { text: 'Hi' })).rejects.toMatchObject({ permanent: false });
    expect(channel.status?.()).toEqual({ up: true, state: 'receiving' });
    await eventually(() => api.callsOf('getMe').some((call) => call.status === 200));
    expect(channel.status?.()).toEqual({ up: true, state: 'receiving' });

    // Telegram out of reach: every call fails; down once that has lasted, since the first failure.
    api.fail('sendMessage', 1_000, badGateway);
    api.fail('getMe', 1_000, badGateway);
    const first = new Date();
    await expect(channel.send(String(LAYLA), { text: 'Are you there?' })).rejects.toMatchObject({ permanent: false });
    expect(channel.status?.().up).toBe(true);
    await eventually(() => channel.status?.().up === false);
    const down = channel.status?.();
    expect(down).toMatchObject({ up: false, state: 'unreachable', reason: '502: Bad Gateway' });
    expect(Math.abs(Date.parse(down!.downSince!) - first.getTime())).toBeLessThan(500);
    expect(api.callsOf('getMe').filter((call) => call.status === 502).length).toBeGreaterThanOrEqual(2);

    // Telegram answers again: up with no customer writing, at the next getMe.
    const sends = api.callsOf('sendMessage').length;
    api.recover('getMe');
    api.recover('sendMessage');
    await eventually(() => channel.status?.().up === true);
    expect(channel.status?.()).toEqual({ up: true, state: 'receiving' });
    expect(api.callsOf('sendMessage')).toHaveLength(sends);
  });

  it('keeps /healthz at 200 while the bot’s answer that Telegram refused once with a 502 is sent again', async () => {
    const { app, api } = await setUp({ webhook: true });
    api.fail('sendMessage', 1, badGateway);
    const statuses: number[] = [];
    let answered = false;
    const watching = (async () => {
      while (!answered) {
        statuses.push((await fetch(`${app.url}/healthz`)).status);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length >= 1, 10_000);
    answered = true;
    await watching;
    expect(api.callsOf('sendMessage')[0]?.status).toBe(502);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });

  it('says on /healthz that the webhook is not registered while setWebhook fails at boot, tries it again until Telegram takes it, then delivers', async () => {
    const { app, api } = await setUp({
      webhook: true,
      publicUrl: 'https://bot.example.com',
      apiBeforeStart: (fake) => fake.fail('setWebhook', 2, badGateway),
    });
    const health = async () => {
      const res = await fetch(`${app.url}/healthz`);
      return { status: res.status, body: (await res.json()) as { channels?: Record<string, { up: boolean; state: string; reason?: string }> } };
    };

    await eventually(() => api.callsOf('setWebhook').length >= 1);
    await eventually(async () => (await health()).status === 503);
    const down = await health();
    expect(down.body.channels?.telegram).toMatchObject({ up: false, state: 'webhook-unregistered', reason: 'the webhook is not registered yet: 502: Bad Gateway' });

    await eventually(() => api.callsOf('setWebhook').some((call) => call.status === 200), 10_000);
    expect(api.callsOf('setWebhook').map((call) => call.status)).toEqual([502, 502, 200]);
    await eventually(async () => (await health()).status === 200);

    expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length >= 1, 10_000);
  });

  it('stays down while the webhook is not registered though getMe and sends answer, and is up once setWebhook succeeds', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    api.fail('setWebhook', 1_000, badGateway);
    const channel: Channel = createTelegramChannel({
      token: TOKEN, apiRoot: api.url, webhookSecret: SECRET, publicUrl: 'https://bot.example.com', log: quietLog, unreachableAfterMs: 1_000, probeMs: 50,
    });
    cleanup.push(() => channel.stop());
    await channel.start(hostFor(async () => undefined));
    await eventually(() => api.callsOf('setWebhook').length >= 2);
    const notRegistered = { up: false, state: 'webhook-unregistered', reason: 'the webhook is not registered yet: 502: Bad Gateway' };
    expect(channel.status?.()).toMatchObject(notRegistered);

    // A send refused once asks getMe again; getMe and the send tried again both answer: no update comes all the same.
    api.fail('sendMessage', 1, badGateway);
    await expect(channel.send(String(LAYLA), { text: 'Hi' })).rejects.toMatchObject({ permanent: false });
    await eventually(() => api.callsOf('getMe').some((call) => call.status === 200));
    await channel.send(String(LAYLA), { text: 'Hi' });
    expect(channel.status?.()).toMatchObject(notRegistered);

    api.recover('setWebhook');
    await eventually(() => channel.status?.().up === true);
    expect(channel.status?.()).toEqual({ up: true, state: 'receiving' });
    expect(api.callsOf('setWebhook').at(-1)?.status).toBe(200);
  });
});

describe('Telegram health (webhook refused)', () => {
  it('says the token is refused, not the webhook, when setWebhook is refused for the token, logs what to do, and does not ask again every few seconds', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    api.fail('setWebhook', 1_000, unauthorized);
    api.fail('getMe', 1_000, unauthorized);
    const { log, lines } = recordingLog();
    const channel: Channel = createTelegramChannel({
      token: TOKEN, apiRoot: api.url, webhookSecret: SECRET, publicUrl: 'https://bot.example.com', log, probeMs: 50,
    });
    cleanup.push(() => channel.stop());
    await channel.start(hostFor(async () => undefined));
    // The fake counts a call as it answers it; the channel reads the answer a moment later.
    await eventually(() => channel.status?.().state === 'token-refused');
    const tokenRefused = { up: false, state: 'token-refused', reason: '401: Unauthorized' };
    expect(channel.status?.()).toMatchObject(tokenRefused);
    expect(api.callsOf('setWebhook')).toHaveLength(1);

    // A 502 would have been tried again after 50, 100, 200 and 400 ms; the banner stays the token's meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.callsOf('setWebhook')).toHaveLength(1);
    expect(api.callsOf('getMe').length).toBeGreaterThanOrEqual(2);
    expect(channel.status?.()).toMatchObject(tokenRefused);
    const told = lines.filter((line) => String(line.msg).includes('setWebhook') || String(line.msg).startsWith('Telegram webhook'));
    expect(told).toMatchObject([{
      level: 50,
      retryInMs: 600_000,
      msg: "Telegram webhook not registered: Telegram refuses the bot's token (401: Unauthorized): set TELEGRAM_BOT_TOKEN to the token @BotFather gives for this bot (it may have been revoked) and restart",
    }]);
  });

  it('says on /healthz that Telegram refuses PUBLIC_URL and what to change, and does not ask again every few seconds', async () => {
    const { app, api } = await setUp({
      webhook: true,
      publicUrl: 'http://bot.example.com',
      apiBeforeStart: (fake) => fake.fail('setWebhook', 1_000, notHttps),
      // setWebhook failing for a 5xx is asked again after 50, 100, 200 and 400 ms, not 1 s and 2 s.
      telegram: { probeMs: 50 },
    });
    await eventually(() => api.callsOf('setWebhook').length >= 1);
    // The fake counts a call as it answers it; the channel reads the answer a moment later.
    await eventually(async () => ((await (await fetch(`${app.url}/healthz`)).json()) as { channels?: Record<string, { state: string }> }).channels?.telegram?.state === 'webhook-refused');
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { channels?: Record<string, { up: boolean; state: string; reason?: string }> };
    expect(body.channels?.telegram).toMatchObject({
      up: false,
      state: 'webhook-refused',
      reason: `Telegram refuses the webhook http://bot.example.com/webhooks/telegram (400: ${NOT_HTTPS}): set PUBLIC_URL to this server's public HTTPS address, on port 443, 80, 88 or 8443, and restart`,
    });
    // A 502 would have been tried again after 50, 100, 200 and 400 ms.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.callsOf('setWebhook')).toHaveLength(1);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
  });

  it('tries a refused webhook again after its long pause, and is up once Telegram takes it (a host that resolves now)', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    api.fail('setWebhook', 1, { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: bad webhook: Failed to resolve host: Name or service not known' } });
    const channel: Channel = createTelegramChannel({
      token: TOKEN, apiRoot: api.url, webhookSecret: SECRET, publicUrl: 'https://bot.example.com', log: quietLog, probeMs: 50, webhookRefusedRetryMs: 1_000,
    });
    cleanup.push(() => channel.stop());
    await channel.start(hostFor(async () => undefined));
    await eventually(() => api.callsOf('setWebhook').length >= 1);
    // The fake counts a call as it answers it; the channel reads the answer a moment later.
    await eventually(() => channel.status?.().state === 'webhook-refused');
    expect(channel.status?.()).toMatchObject({ up: false, state: 'webhook-refused' });
    await eventually(() => channel.status?.().up === true);
    expect(api.callsOf('setWebhook').map((call) => call.status)).toEqual([400, 200]);
  });
});

describe('Telegram health (long polling, another poller)', () => {
  it('keeps /healthz at 200 while getUpdates meets 409s for a few seconds (two processes overlapping in a rolling deploy), then delivers', async () => {
    const { app, api } = await setUp({ webhook: false, apiBeforeStart: (fake) => fake.fail('getUpdates', 2, conflict) });
    const statuses: number[] = [];
    let done = false;
    const watching = (async () => {
      while (!done) {
        statuses.push((await fetch(`${app.url}/healthz`)).status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await eventually(() => api.callsOf('getUpdates').length >= 3, 10_000);
    api.push(textNow(LAYLA, 'hello'));
    await eventually(() => api.sentTo(LAYLA).length >= 1, 10_000);
    done = true;
    await watching;
    expect(api.callsOf('getUpdates').slice(0, 2).map((call) => call.status)).toEqual([409, 409]);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });

  it('is down, with Telegram’s words, once another poller has kept taking the updates, and up once it is gone', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    api.fail('getUpdates', 1_000, conflict);
    // Down once the conflict has lasted 3 s: long enough that a loaded machine reads the status before it is. The
    // pause between tries stops doubling at 200 ms: doubling on to 5 s, it put the 409 that takes the channel down
    // 5 s after the first and the getUpdates that finds the other poller gone 5 s after that.
    const channel: Channel = createTelegramChannel({ token: TOKEN, apiRoot: api.url, log: quietLog, pollTimeoutSeconds: 1, pollRetryMs: 20, pollMaxRetryMs: 200, conflictAfterMs: 3_000 });
    cleanup.push(() => channel.stop());
    await channel.start(hostFor(async () => undefined));

    // The fake counts a 409 as it answers it; the channel reads the answer a moment later.
    await eventually(() => channel.status?.().state === 'conflict', 10_000);
    expect(api.callsOf('getUpdates').some((call) => call.status === 409)).toBe(true);
    expect(channel.status?.()).toMatchObject({ up: false, down: false, state: 'conflict' });
    await eventually(() => isDown(channel.status!()), 10_000);
    expect(channel.status?.()).toMatchObject({ up: false, state: 'conflict', reason: `409: ${CONFLICT_WORDS}` });

    api.recover('getUpdates');
    await eventually(() => channel.status?.().up === true, 10_000);
  });
});

describe('Telegram 409s in the log', () => {
  /** What the log said of getUpdates. */
  const getUpdatesLines = (lines: Record<string, unknown>[]) =>
    lines.filter((line) => /getUpdates|Telegram channel down/.test(String(line.msg))).map(({ level, msg, count }) => ({ level, msg, count }));

  it('tells a rolling deploy’s overlap in two lines, not a warning a 409: the first at once, then how many and since when as polling stops', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    // Three 409s, then the newer process's long poll ends and this one's getUpdates answers (an empty one each second).
    api.fail('getUpdates', 3, conflict);
    const { log, lines } = recordingLog();
    const channel: Channel = createTelegramChannel({ token: TOKEN, apiRoot: api.url, log, pollTimeoutSeconds: 1, pollRetryMs: 20, conflictAfterMs: 60_000 });
    cleanup.push(() => channel.stop());
    await channel.start(hostFor(async () => undefined));

    await eventually(() => api.callsOf('getUpdates').some((call) => call.status === 200), 5_000);
    expect(getUpdatesLines(lines)).toEqual([{
      level: 40,
      msg: "Telegram getUpdates answered 409: another program is taking this bot's updates (a rolling deploy's other process does for a few seconds); the next 409s are counted, and told when they stop or take the channel down",
      count: undefined,
    }]);
    expect(lines.find((line) => String(line.msg).startsWith('Telegram getUpdates answered 409:'))).toMatchObject({ err: `409: ${CONFLICT_WORDS}` });

    // The older process is stopped: it says how many it met.
    await channel.stop();
    const told = getUpdatesLines(lines);
    expect(told).toHaveLength(2);
    expect(told[1]).toMatchObject({ level: 30, count: 3 });
    expect(told[1]?.msg).toMatch(new RegExp(`^Telegram getUpdates answered 409 3 times from \\S+Z to \\S+Z, until polling stopped: another program took this bot's updates for a while \\(a rolling deploy's overlap\\), not long enough to take the channel down$`));
  });

  it('tells a second poller that stays as the channel going down, and once it is gone how many 409s came', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    api.fail('getUpdates', 1_000, conflict);
    const { log, lines } = recordingLog();
    const channel: Channel = createTelegramChannel({ token: TOKEN, apiRoot: api.url, log, pollTimeoutSeconds: 1, pollRetryMs: 20, conflictAfterMs: 500 });
    cleanup.push(() => channel.stop());
    await channel.start(hostFor(async () => undefined));

    await eventually(() => isDown(channel.status!()));
    await eventually(() => getUpdatesLines(lines).length >= 2);
    const down = getUpdatesLines(lines)[1];
    expect(down?.level).toBe(50);
    expect(down?.msg).toMatch(/^Telegram channel down: another program has kept taking this bot's updates since \S+Z \(\d+ 409s\): stop the other program using this token \(a second Switchboard, or a webhook another program set\), or give each its own bot$/);

    // The other poller is gone: getUpdates answers, and a second without a 409 the run is told over.
    api.recover('getUpdates');
    await eventually(() => getUpdatesLines(lines).length >= 3, 10_000);
    const count = api.callsOf('getUpdates').filter((call) => call.status === 409).length;
    const told = getUpdatesLines(lines);
    expect(told.map((line) => line.level)).toEqual([40, 50, 40]);
    expect(told[2]).toMatchObject({ count });
    expect(told[2]?.msg).toMatch(new RegExp(`^Telegram getUpdates answered 409 ${count} times from \\S+Z to \\S+Z, none since: another program was taking this bot's updates, and the channel was down for it$`));
    expect(channel.status?.()).toEqual({ up: true, state: 'receiving' });
  });
});

describe('TelegramHealth and 409s', () => {
  const conflictError = () => new GrammyError(`Call to 'getUpdates' failed!`, { ok: false, error_code: 409, description: CONFLICT_WORDS }, 'getUpdates', {});

  it('counts a run of 409s from the first though getUpdates answers between them, and starts a new run after a quiet minute', () => {
    let now = 0;
    const health = new TelegramHealth({ now: () => now });
    const at = (seconds: number, what: 'conflict' | 'answered') => {
      now = seconds * 1_000;
      if (what === 'conflict') health.failed(conflictError());
      else health.answered();
      return health.status();
    };

    // Two pollers for 10 s: never down.
    for (const second of [0, 1, 3, 7, 10]) expect(isDown(at(second, 'conflict'))).toBe(false);
    expect(at(11, 'answered')).toEqual({ up: true, state: 'receiving' });

    // Another poller that stays, the two racing so that getUpdates sometimes answers: down at the first 409 30 s on.
    expect(isDown(at(25, 'conflict'))).toBe(false);
    expect(at(26, 'answered').up).toBe(true);
    const down = at(40, 'conflict');
    expect(down).toMatchObject({ up: false, state: 'conflict', reason: `409: ${CONFLICT_WORDS}`, downSince: new Date(0).toISOString() });
    expect(isDown(down)).toBe(true);
    expect(at(41, 'answered')).toEqual({ up: true, state: 'receiving' });
    expect(isDown(at(70, 'conflict'))).toBe(true);

    // No 409 for over a minute: the run is over (the log tells it), and the next one is a new overlap, with its grace.
    expect(health.conflictRun()).toMatchObject({ since: 0, last: 70_000, count: 8, down: true, over: false });
    expect(at(71, 'answered').up).toBe(true);
    now = 131_000;
    expect(health.conflictRun()).toMatchObject({ count: 8, over: true });
    expect(isDown(at(200, 'conflict'))).toBe(false);
    expect(health.conflictRun()).toEqual({ since: 200_000, last: 200_000, count: 1, down: false, over: false });
  });
});

describe('Telegram long polling with a refused token', () => {
  it('says once, as an error, that the token is refused and what to do, not at every getUpdates, and says so when it is accepted again', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    // The token revoked in @BotFather: every getUpdates is answered 401, until a good one is set.
    api.fail('getUpdates', 1_000, unauthorized);
    const { log, lines } = recordingLog();
    const channel: Channel = createTelegramChannel({ token: TOKEN, apiRoot: api.url, log, pollTimeoutSeconds: 1, pollRetryMs: 20 });
    cleanup.push(() => channel.stop());
    await channel.start(hostFor(async () => undefined));

    await eventually(() => api.callsOf('getUpdates').length >= 5, 5_000);
    expect(channel.status?.()).toMatchObject({ up: false, state: 'token-refused', reason: '401: Unauthorized' });
    const told = () => lines.filter((line) => /getUpdates|token/.test(String(line.msg)) && Number(line.level) >= 30).map(({ level, msg }) => ({ level, msg }));
    expect(told()).toEqual([{
      level: 50,
      msg: "Telegram refuses the bot's token (401: Unauthorized): set TELEGRAM_BOT_TOKEN to the token @BotFather gives for this bot (it may have been revoked) and restart; until then getUpdates is asked again every 30 s, without a line each time",
    }]);

    api.recover('getUpdates');
    await eventually(() => channel.status?.().up === true, 5_000);
    expect(told().at(-1)).toEqual({ level: 30, msg: "Telegram accepts the bot's token again: updates are received" });
    expect(told()).toHaveLength(2);
  });
});

describe('Telegram long polling out of reach', () => {
  it('warns at the first failure, says once as an error that Telegram is out of reach and why, not at every getUpdates, and says when it answers again', async () => {
    // Telegram's address is closed (the network down, a firewall): then it answers again on the same address.
    const first = await FakeBotApi.start();
    const port = Number(new URL(first.url).port);
    await first.close();
    const { log, lines } = recordingLog();
    const channel: Channel = createTelegramChannel({ token: TOKEN, apiRoot: `http://127.0.0.1:${port}`, log, pollTimeoutSeconds: 1, pollRetryMs: 20, unreachableAfterMs: 100 });
    cleanup.push(() => channel.stop());
    await channel.start(hostFor(async () => undefined));

    await eventually(() => channel.status?.().state === 'unreachable', 5_000);
    // /healthz and the dashboard say why, as the log does.
    expect(channel.status?.().reason).toBe(`Network request for 'getUpdates' failed! (connect ECONNREFUSED 127.0.0.1:${port})`);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const told = () => lines.filter((line) => /getUpdates|Telegram is out of reach|Telegram answers/.test(String(line.msg)) && Number(line.level) >= 30).map(({ level, msg }) => ({ level, msg }));
    expect(told()).toEqual([
      { level: 40, msg: 'Telegram getUpdates failed; trying again' },
      {
        level: 50,
        msg: `Telegram is out of reach (Network request for 'getUpdates' failed! (connect ECONNREFUSED 127.0.0.1:${port})): check that this machine can reach Telegram (its network, DNS, firewall or proxy, and TELEGRAM_API_ROOT when set); until then getUpdates is asked again every 30 s, without a line each time`,
      },
    ]);
    // The tries meanwhile are there for whoever turns debug on.
    expect(lines.filter((line) => line.msg === 'Telegram getUpdates failed again').length).toBeGreaterThanOrEqual(2);

    const api = await FakeBotApi.start(port);
    cleanup.push(() => api.close());
    await eventually(() => channel.status?.().up === true, 5_000);
    expect(told().slice(2)).toEqual([{ level: 30, msg: 'Telegram answers again: updates are received' }]);
  });
});
