// Web chat sessions are capabilities: made by POST /webchat/sessions with a random name and token, opened only
// with that token; an agent's session only with the agent's credential (their token, or the /agent sign-in
// cookie). Security headers on every page and answer.
import { afterEach, describe, expect, it } from 'vitest';
import { startSwitchboard } from '../../src/server/switchboard.ts';
import { hashToken } from '../../src/channels/webchat/auth.ts';
import { readConfig } from '../../src/server/config.ts';
import { agentToken, cleanupDirs, dataDirWith, inboundFlow, newSession, recordingLog, SHIPPED_AGENT_TOKENS, shippedDataDir, start, visitor } from '../helpers.ts';

afterEach(cleanupDirs);

const json = (token?: string): Record<string, string> => ({ 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

describe('web chat sessions', () => {
  it('makes a session with a random name and token, keeps only a hash of the token, and the visitor\'s name', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const res = await fetch(`${app.url}/webchat/sessions`, { method: 'POST', headers: json(), body: JSON.stringify({ name: 'Layla' }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { session, token } = (await res.json()) as { session: string; token: string };
    // 128 random bits each, base64url: 22 characters (the session has a "v" before them).
    expect(session).toMatch(/^v[A-Za-z0-9_-]{22}$/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const other = await newSession(app.url);
    expect(other.session).not.toBe(session);
    expect(other.token).not.toBe(token);

    const kept = await app.store.doc<Record<string, unknown>>('webchat-sessions', session);
    expect(kept).toEqual({ tokenHash: hashToken(token), name: 'Layla', createdAt: expect.any(String) });
    expect(JSON.stringify(kept)).not.toContain(token);

    // The name given at the start is the visitor's, without sending it again.
    expect((await fetch(`${app.url}/webchat/${session}/messages`, { method: 'POST', headers: json(token), body: '{"text":"hello"}' })).status).toBe(202);
    const listed = (await (await fetch(`${app.url}/webchat/${session}/messages`, { headers: json(token) })).json()) as { messages: { text: string }[] };
    expect(listed.messages.map((m) => m.text)).toContain('Hi Layla!');
    await app.stop();
  });

  it('refuses a session name, or anything but a name, in the body: no one picks their session, an agent\'s least of all', async () => {
    const app = await start(await shippedDataDir());
    for (const body of ['{"session":"agent-omar"}', '{"name":"Omar","session":"agent-omar"}', '[]', '{"name":""}', JSON.stringify({ name: '\u200f \u200b' })]) {
      const res = await fetch(`${app.url}/webchat/sessions`, { method: 'POST', headers: json(), body });
      expect(res.status, body).toBe(400);
    }
    const made = await Promise.all(Array.from({ length: 10 }, () => newSession(app.url, 'Omar')));
    const agents = new Set(app.directory.agents().flatMap((agent) => agent.identities.filter((i) => i.channel === 'webchat').map((i) => i.id)));
    expect(made.filter((credentials) => agents.has(credentials.session))).toEqual([]);
    await app.stop();
  });

  it('answers 401 with the reason to every request without the session\'s token, or with a wrong one, and stores nothing', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const { session, token } = await newSession(app.url);
    const { token: otherToken } = await newSession(app.url);
    const tried: [string, string, RequestInit][] = [
      ['POST messages, no token', `/webchat/${session}/messages`, { method: 'POST', headers: json(), body: '{"text":"hi"}' }],
      ['POST messages, wrong token', `/webchat/${session}/messages`, { method: 'POST', headers: json('not-the-token'), body: '{"text":"hi"}' }],
      ['POST messages, another session\'s token', `/webchat/${session}/messages`, { method: 'POST', headers: json(otherToken), body: '{"text":"hi"}' }],
      ['POST messages, the token in the query', `/webchat/${session}/messages?token=${token}`, { method: 'POST', headers: json(), body: '{"text":"hi"}' }],
      ['GET messages, no token', `/webchat/${session}/messages`, {}],
      ['GET events, wrong token', `/webchat/${session}/events`, { headers: json(otherToken) }],
      ['GET events, the token in the query', `/webchat/${session}/events?token=${token}`, {}],
      ['GET messages, the token in the query', `/webchat/${session}/messages?token=${token}`, {}],
      ['GET media, the token in the query', `/webchat/${session}/media/${'0'.repeat(32)}?token=${token}`, {}],
      ['GET media, no token', `/webchat/${session}/media/${'0'.repeat(32)}`, {}],
      ['a name nobody made', '/webchat/layla/messages', { method: 'POST', headers: json(token), body: '{"text":"hi"}' }],
    ];
    const reasons: Record<string, string> = {};
    for (const [label, path, init] of tried) {
      const res = await fetch(`${app.url}${path}`, init);
      expect(res.status, label).toBe(401);
      expect(res.headers.get('www-authenticate'), label).toBe('Bearer');
      reasons[label] = ((await res.json()) as { error: string }).error;
    }
    expect(reasons['POST messages, no token']).toBe('this session needs its token: send Authorization: Bearer <token>, the token POST /webchat/sessions gave with the session');
    // An address never carries a visitor's token (a proxy's log keeps addresses): a link that does opens nothing.
    expect(reasons['GET events, the token in the query']).toMatch(/only as Authorization: Bearer <token>, never in an address/);
    expect(reasons['POST messages, wrong token']).toMatch(/this token does not open this session .*POST \/webchat\/sessions/);
    expect(await app.store.messageCount()).toBe(0);

    // With it: 202, and the events stream takes it as a header too.
    expect((await fetch(`${app.url}/webchat/${session}/messages`, { method: 'POST', headers: json(token), body: '{"text":"hi"}' })).status).toBe(202);
    const controller = new AbortController();
    const stream = await fetch(`${app.url}/webchat/${session}/events`, { headers: json(token), signal: controller.signal });
    expect(stream.status).toBe(200);
    controller.abort();
    await app.stop();
  });

  it('keeps two sessions apart: each lists its own messages only', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const layla = visitor(app.url, 'layla', 'Layla');
    const sam = visitor(app.url, 'sam', 'Sam');
    await layla.say('hello from Layla');
    await sam.say('hello from Sam');
    expect((await layla.messages()).map((m) => m.text)).toEqual(['hello from Layla', 'Hi Layla!', 'What is your email address?']);
    expect((await sam.messages()).map((m) => m.text)).toEqual(['hello from Sam', 'Hi Sam!', 'What is your email address?']);
    expect((await app.store.contacts()).length).toBe(2);
    await app.stop();
  });

  it('keeps open name-in-the-URL sessions with WEBCHAT_OPEN_SESSIONS=1, saying at start that it is unsafe', async () => {
    const { log, lines } = recordingLog();
    const app = await startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: await dataDirWith({ 'inbound.yaml': inboundFlow }), WEBCHAT_OPEN_SESSIONS: '1' },
      log, watch: false, sweepEveryMs: 0,
    });
    expect(lines.find((line) => line.level === 40 && /WEBCHAT_OPEN_SESSIONS=1/.test(String(line.msg)))?.msg).toMatch(/development only, never in production/);
    expect((await fetch(`${app.url}/webchat/layla/messages`, { method: 'POST', headers: json(), body: '{"text":"hello","name":"Layla"}' })).status).toBe(202);
    const listed = (await (await fetch(`${app.url}/webchat/layla/messages`)).json()) as { messages: { text: string }[] };
    expect(listed.messages.map((m) => m.text)).toEqual(['hello', 'Hi Layla!', 'What is your email address?']);
    // A session made with a token still needs it.
    const { session } = await newSession(app.url);
    expect((await fetch(`${app.url}/webchat/${session}/messages`)).status).toBe(401);
    await app.stop();
  });
});

describe('a visitor who leaves (POST /webchat/:session/leave, the page\'s New visitor)', () => {
  it('closes their open conversation as the customer left, once; refuses a stranger (401) and an agent\'s own session (400)', async () => {
    const app = await start(await shippedDataDir());
    const layla = await newSession(app.url, 'Layla');
    expect((await fetch(`${app.url}/webchat/${layla.session}/messages`, { method: 'POST', headers: json(layla.token), body: '{"text":"hello"}' })).status).toBe(202);
    expect((await app.store.conversation(1))?.status).toBe('open');
    const leave = (session: string, token?: string) => fetch(`${app.url}/webchat/${session}/leave`, { method: 'POST', headers: json(token) });

    const stranger = await leave(layla.session);
    expect(stranger.status).toBe(401);
    expect((await app.store.conversation(1))?.status).toBe('open');
    const agent = await leave('agent-omar', agentToken('agent-omar'));
    expect(agent.status).toBe(400);
    expect(await agent.json()).toEqual({ error: "this is an agent's own session: it has no customer conversation to leave", kind: 'badRequest' });

    const left = await leave(layla.session, layla.token);
    expect(left.status).toBe(200);
    expect(await left.json()).toEqual({ left: true, closed: 1 });
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'contact', closingNote: 'the customer left the chat' });
    // Nothing was left open: a second leave (another tab's, a retry) closes nothing.
    expect(await (await leave(layla.session, layla.token)).json()).toEqual({ left: true });
    await app.stop();
  });
});

describe("an agent's web chat session", () => {
  it('opens only with the agent\'s token or their sign-in cookie, never by its name', async () => {
    const app = await start(await shippedDataDir());
    const url = `${app.url}/webchat/agent-omar/messages`;
    const post = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { ...json(), ...headers }, body: '{"text":"/online"}' });

    const none = await post({});
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toBe("this is an agent's web chat session: sign in at /agent, or send Authorization: Bearer <the agent's webchat_token>");
    expect((await post({ authorization: `Bearer ${agentToken('agent-lina')}` })).status).toBe(401);
    const customer = await newSession(app.url);
    expect((await post({ authorization: `Bearer ${customer.token}` })).status).toBe(401);
    expect((await fetch(`${app.url}/webchat/agent-omar/events?token=wrong`)).status).toBe(401);
    expect(await app.store.messageCount()).toBe(0);

    expect((await post({ authorization: `Bearer ${agentToken('agent-omar')}` })).status).toBe(202);

    // Signing in at /agent sets the cookie that opens the session (and the console).
    const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: json(), body: JSON.stringify({ token: agentToken('agent-omar') }) });
    expect(login.status).toBe(204);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^switchboard_agent=[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const session = cookie.split(';')[0]!;
    expect((await post({ cookie: session })).status).toBe(202);
    const listed = (await (await fetch(url, { headers: { cookie: session } })).json()) as { messages: { text: string }[] };
    expect(listed.messages.at(-1)?.text).toMatch(/You are online/);
    const controller = new AbortController();
    expect((await fetch(`${app.url}/webchat/agent-omar/events`, { headers: { cookie: session }, signal: controller.signal })).status).toBe(200);
    controller.abort();
    // Omar's cookie does not open Lina's session, and a forged one opens nothing.
    expect((await fetch(`${app.url}/webchat/agent-lina/messages`, { headers: { cookie: session } })).status).toBe(401);
    expect((await fetch(url, { headers: { cookie: session.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) } })).status).toBe(401);

    // Signing out clears the cookie.
    const logout = await fetch(`${app.url}/agent/logout`, { method: 'POST', headers: { cookie: session } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/^switchboard_agent=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
    await app.stop();
  });

  it('says which environment variable to set when the agent\'s token is one that is not set', async () => {
    const saved = process.env.SARA_WEBCHAT_TOKEN;
    delete process.env.SARA_WEBCHAT_TOKEN;
    const dir = await shippedDataDir();
    delete process.env.SARA_WEBCHAT_TOKEN;
    try {
      const app = await start(dir);
      const res = await fetch(`${app.url}/webchat/agent-sara/messages`, { headers: { authorization: `Bearer ${SHIPPED_AGENT_TOKENS.SARA_WEBCHAT_TOKEN}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('the web chat sign-in of Sara is closed: set the environment variable SARA_WEBCHAT_TOKEN (team.yaml reads webchat_token: env:SARA_WEBCHAT_TOKEN) and restart Switchboard');
      const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: json(), body: JSON.stringify({ token: SHIPPED_AGENT_TOKENS.SARA_WEBCHAT_TOKEN }) });
      expect(login.status).toBe(401);
      expect(((await login.json()) as { error: string }).error).toBe('no agent signs in with this token (not set, so those agents cannot sign in yet: SARA_WEBCHAT_TOKEN)');
      // The others sign in as before.
      expect((await fetch(`${app.url}/webchat/agent-omar/messages`, { headers: { authorization: `Bearer ${agentToken('agent-omar')}` } })).status).toBe(200);
      await app.stop();
    } finally {
      if (saved !== undefined) process.env.SARA_WEBCHAT_TOKEN = saved;
    }
  });

  it('takes at most 10 sign-in attempts a minute from one address, then 429 with Retry-After', async () => {
    const app = await start(await shippedDataDir());
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let attempt = 0; attempt < 12; attempt++) {
      last = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: json(), body: JSON.stringify({ token: `guess-${attempt}-0123456789` }) });
      statuses.push(last.status);
    }
    console.log(`sign-in attempts from one address: ${statuses.join(' ')}`);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await last!.json()) as { error: string }).error).toMatch(/^too many sign-in attempts \(10 per minute per address\); try again in \d+ s$/);
    // Even the right token waits: the limit is per address, before the token is looked at.
    expect((await fetch(`${app.url}/agent/login`, { method: 'POST', headers: json(), body: JSON.stringify({ token: agentToken('agent-omar') }) })).status).toBe(429);
    await app.stop();
  });
});

describe('security headers', () => {
  it('puts a content security policy, nosniff, a referrer policy and frame rules on every page and answer', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }), { config: { WEBCHAT_EMBED_ORIGINS: ['https://shop.example', 'http://localhost:8080'] } });
    const { session, token } = await newSession(app.url);
    const answers = {
      chat: await fetch(`${app.url}/`),
      embed: await fetch(`${app.url}/?embed=1`),
      console: await fetch(`${app.url}/agent`),
      widget: await fetch(`${app.url}/widget.js`),
      script: await fetch(`${app.url}/assets/chat.js`),
      api: await fetch(`${app.url}/webchat/${session}/messages`, { headers: json(token) }),
      refused: await fetch(`${app.url}/webchat/${session}/messages`),
      health: await fetch(`${app.url}/healthz`),
      missing: await fetch(`${app.url}/nothing-here`),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), name).toBe('no-referrer');
      expect(res.headers.get('content-security-policy'), name).toMatch(/frame-ancestors /);
    }
    const policy = (name: keyof typeof answers) => answers[name].headers.get('content-security-policy')!;
    for (const page of ['chat', 'console'] as const) {
      expect(policy(page), page).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
      expect(answers[page].headers.get('x-frame-options'), page).toBe('DENY');
      // No inline script: the pages' code is in their own files.
      expect(await answers[page].text(), page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    // The widget's iframe may be framed by the origins configured (and this server's own pages), nothing else.
    expect(policy('embed')).toMatch(/frame-ancestors 'self' https:\/\/shop\.example http:\/\/localhost:8080$/);
    expect(answers.embed.headers.get('x-frame-options')).toBeNull();
    expect(policy('api')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(answers.widget.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(answers.widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    await app.stop();
  });

  it('refuses WEBCHAT_EMBED_ORIGINS that are not origins, and a colour that is not one, naming the variable', () => {
    expect(() => readConfig({ WEBCHAT_EMBED_ORIGINS: 'https://shop.example/page' })).toThrow(/WEBCHAT_EMBED_ORIGINS="https:\/\/shop.example\/page": "https:\/\/shop.example\/page" is not an origin/);
    expect(() => readConfig({ WEBCHAT_COLOR: 'red' })).toThrow(/WEBCHAT_COLOR="red": must be a colour like #0a7/);
    expect(() => readConfig({ WEBCHAT_RATE_LIMIT: '20' })).toThrow(/WEBCHAT_RATE_LIMIT="20": must be messages per session, then messages per IP address/);
    expect(readConfig({})).toMatchObject({
      WEBCHAT_OPEN_SESSIONS: '0', WEBCHAT_EMBED_ORIGINS: [], WEBCHAT_TITLE: 'Chat with us', WEBCHAT_COLOR: '#1f4fd1',
      WEBCHAT_RATE_LIMIT: [{ count: 20, perMs: 10_000 }, { count: 60, perMs: 10_000 }],
      WEBCHAT_SESSION_LIMIT: [{ count: 20, perMs: 3_600_000 }],
      WEBCHAT_STREAM_LIMIT: [5, 50],
    });
  });
});
