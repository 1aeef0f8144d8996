// Telegram's health as an operator reads it on /healthz (and an admin on the dashboard's banner): a webhook bot whose
// one send failed for a 5xx is not down while the outbox retries it; Telegram failing for a while is; and it is back as
// soon as Telegram answers, a short getMe asking meanwhile since nothing else calls Telegram in webhook mode. A webhook
// Telegram has not taken at boot keeps it down, whatever else answers, until setWebhook tried again succeeds.
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../../src/channels/telegram/index.ts';
import type { Channel } from '../../../src/types.ts';
import { eventually, hostFor, quietLog } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, post, SECRET, telegramServers, textNow, TOKEN } from './harness.ts';

const badGateway = { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } };

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
