// Telegram's health as an operator reads it on /healthz (and an admin on the dashboard's banner): a webhook bot whose
// one send failed for a 5xx is not down while the outbox retries it; Telegram failing for a while is; and it is back as
// soon as Telegram answers, a short getMe asking meanwhile since nothing else calls Telegram in webhook mode.
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../../src/channels/telegram/index.ts';
import type { Channel } from '../../../src/types.ts';
import { eventually, quietLog } from '../../helpers.ts';
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
});
