// The product as a process: configuration errors, first-start seeding, SIGTERM, and kill -9 under load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/server/config.ts';
import { seedDataDir, shippedDataDir } from '../../src/server/data-dir.ts';
import { cleanupDirs, dataDirWith, inboundFlow, shippedDataDir as trainedDataDir, visitor } from '../helpers.ts';

const root = new URL('../..', import.meta.url).pathname;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await cleanupDirs();
});

/** Starts `npm start`'s entry point as a child process; resolves with its URL once it listens, and what it logged so far. */
async function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exit: Promise<number | null>; logged: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    // Durability under load, not the per-customer rate limit (tested on its own), is what these measure.
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', CONTACT_RATE_LIMIT: '100000/1m', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logged: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logged.push(line);
      const entry = (line.startsWith('{') ? JSON.parse(line) : {}) as { msg?: string; url?: string };
      if (entry.msg === 'Switchboard is listening' && entry.url) resolve(entry.url);
    });
    void exit.then((code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url, exit, logged };
}

describe('configuration', () => {
  it('names the variable whose value is bad', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty": must be a port number/);
    expect(() => readConfig({ STORE: 'mysql' })).toThrow(/STORE="mysql": must be lowdb or postgres/);
    expect(() => readConfig({ STORE: 'postgres' })).toThrow(/STORE="postgres": set DATABASE_URL too/);
    expect(() => readConfig({ STORE: 'postgres', DATABASE_URL: 'mysql://db/switchboard' })).toThrow(/DATABASE_URL: must start with postgresql:\/\//);
    expect(readConfig({ STORE: 'postgres', DATABASE_URL: 'postgresql://db/switchboard' }).STORE).toBe('postgres');
    expect(() => readConfig({ TELEGRAM_API_ROOT: 'not a url' })).toThrow(/TELEGRAM_API_ROOT/);
    expect(() => readConfig({ AUTO_CLOSE_AFTER: 'soon' })).toThrow(/AUTO_CLOSE_AFTER="soon": must be a duration/);
    expect(() => readConfig({ SWEEP_EVERY: '0' })).toThrow(/SWEEP_EVERY="0": must be a duration/);
  });

  it('refuses a variable that is no setting but looks like one, naming what was probably meant, rather than starting without the channel', () => {
    // TELEGRAM_BOT_TOKEN written the way other tools name it: Telegram would stay off, and nothing would say why.
    expect(() => readConfig({ TELEGRAM_TOKEN: '123456:ABC-DEF' })).toThrow(
      'Bad configuration:\n  TELEGRAM_TOKEN: not a Switchboard setting, so it does nothing; did you mean TELEGRAM_BOT_TOKEN? Rename it, or unset it. The settings starting TELEGRAM_: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, TELEGRAM_WEBHOOK_SECRET.',
    );
    expect(() => readConfig({ WHATSAPP_ACCESS_TOKEN: 'EAAG', WHATSAPP_PHONE_ID: '1055' })).toThrow(/WHATSAPP_ACCESS_TOKEN: .*did you mean WHATSAPP_TOKEN\?[^]*\n  WHATSAPP_PHONE_ID: .*did you mean WHATSAPP_PHONE_NUMBER_ID\?/);
    // A typo of any setting's name: the dashboard would stay off.
    expect(() => readConfig({ ADMIN_TOKN: 'a-long-random-admin-token' })).toThrow(/ADMIN_TOKN: not a Switchboard setting, so it does nothing; did you mean ADMIN_TOKEN\? Rename it, or unset it\.$/);
    // Other programs' variables, short names and lower-case ones (npm's) are left alone; so are those of a prefix that
    // mean no setting, those whose setting is set too, and those Kubernetes sets for a service named `telegram`.
    expect(readConfig({ PATH: '/usr/bin', HOSTNAME: 'bot-1', HOSTS: 'a,b', NODE_ENV: 'production', npm_config_port: '1', DATA_DIRECTORY: '/srv' }).PORT).toBe(3000);
    expect(readConfig({ TELEGRAM_FOO: '1', ADMIN_TOKEN: 'a-long-random-admin-token-1234', ADMIN_TOKENS: 'x' }).PORT).toBe(3000);
    expect(readConfig({ TELEGRAM_SERVICE_HOST: '10.0.0.9', TELEGRAM_SERVICE_PORT: '443', TELEGRAM_PORT: 'tcp://10.0.0.9:443', TELEGRAM_PORT_443_TCP_ADDR: '10.0.0.9', WEBCHAT_PORT: 'tcp://10.0.0.8:80' }).PORT).toBe(3000);
  });

  it('refuses an ADMIN_TOKEN short enough to guess, without printing it', () => {
    // The admin API answers a wrong Bearer token at full speed: "admin" or "secret" would open every conversation.
    const refused = (() => {
      try {
        readConfig({ ADMIN_TOKEN: 'secret' });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(refused).toMatch(/ADMIN_TOKEN: must be at least 16 characters, so it cannot be guessed \(a long random value: openssl rand -hex 24\)/);
    expect(refused).not.toContain('secret"');
    expect(readConfig({ ADMIN_TOKEN: 'test-admin-token' }).ADMIN_TOKEN).toBe('test-admin-token');
  });

  it('reads BOT_IDLE_CLOSE_AFTER as a duration (24 h unless set), or off', () => {
    expect(readConfig({}).BOT_IDLE_CLOSE_AFTER).toBe(24 * 3_600_000);
    expect(readConfig({ BOT_IDLE_CLOSE_AFTER: '2h' }).BOT_IDLE_CLOSE_AFTER).toBe(2 * 3_600_000);
    expect(readConfig({ BOT_IDLE_CLOSE_AFTER: 'off' }).BOT_IDLE_CLOSE_AFTER).toBe(0);
    expect(readConfig({ BOT_IDLE_CLOSE_AFTER: '0' }).BOT_IDLE_CLOSE_AFTER).toBe(0);
    expect(() => readConfig({ BOT_IDLE_CLOSE_AFTER: 'never' })).toThrow(/BOT_IDLE_CLOSE_AFTER="never": must be a duration such as 30m, 24h or 7d, or off/);
  });

  it('reads UNANSWERED_REMIND_AFTER as a duration (30 min unless set), or off', () => {
    expect(readConfig({}).UNANSWERED_REMIND_AFTER).toBe(30 * 60_000);
    expect(readConfig({ UNANSWERED_REMIND_AFTER: '2h' }).UNANSWERED_REMIND_AFTER).toBe(2 * 3_600_000);
    expect(readConfig({ UNANSWERED_REMIND_AFTER: 'off' }).UNANSWERED_REMIND_AFTER).toBe(0);
    expect(() => readConfig({ UNANSWERED_REMIND_AFTER: 'soon' })).toThrow(/UNANSWERED_REMIND_AFTER="soon": must be a duration such as 30m, 24h or 7d, or off/);
  });

  it('reads UNANSWERED_PASS_ON_AFTER as a duration (2 h unless set), or off', () => {
    expect(readConfig({}).UNANSWERED_PASS_ON_AFTER).toBe(2 * 3_600_000);
    expect(readConfig({ UNANSWERED_PASS_ON_AFTER: 'off' }).UNANSWERED_PASS_ON_AFTER).toBe(0);
    expect(() => readConfig({ UNANSWERED_PASS_ON_AFTER: 'soon' })).toThrow(/UNANSWERED_PASS_ON_AFTER="soon": must be a duration such as 30m, 24h or 7d, or off/);
  });

  it('reads AWAY_REQUEUE_AFTER as a duration (10 min unless set), or off', () => {
    expect(readConfig({}).AWAY_REQUEUE_AFTER).toBe(10 * 60_000);
    expect(readConfig({ AWAY_REQUEUE_AFTER: '30m' }).AWAY_REQUEUE_AFTER).toBe(30 * 60_000);
    expect(readConfig({ AWAY_REQUEUE_AFTER: 'off' }).AWAY_REQUEUE_AFTER).toBe(0);
    expect(() => readConfig({ AWAY_REQUEUE_AFTER: 'soon' })).toThrow(/AWAY_REQUEUE_AFTER="soon": must be a duration such as 30m, 24h or 7d, or off/);
  });

  it('reads API_TIMEOUT as a duration from 1s to 10m (unset: each channel keeps its own)', () => {
    expect(readConfig({}).API_TIMEOUT).toBeUndefined();
    expect(readConfig({ API_TIMEOUT: '90s' }).API_TIMEOUT).toBe(90_000);
    expect(() => readConfig({ API_TIMEOUT: 'slow' })).toThrow(/API_TIMEOUT="slow": must be a duration/);
    expect(() => readConfig({ API_TIMEOUT: '500ms' })).toThrow(/API_TIMEOUT="500ms": must be at least 1s/);
    expect(() => readConfig({ API_TIMEOUT: '1h' })).toThrow(/API_TIMEOUT="1h": must be at most 10m/);
  });

  it('reads defaults, durations and treats empty variables as unset', () => {
    const config = readConfig({ PORT: '', AUTO_CLOSE_AFTER: '90m' });
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', STORE: 'lowdb', AUTO_CLOSE_AFTER: 90 * 60_000, SWEEP_EVERY: 30_000 });
    expect(readConfig({ SWEEP_EVERY: '3s' }).SWEEP_EVERY).toBe(3_000);
  });

  it('never prints a secret in a configuration error', () => {
    expect(() => readConfig({ TELEGRAM_BOT_TOKEN: ' ', PORT: 'x' })).toThrow(/TELEGRAM_BOT_TOKEN: /);
    const refused = (() => {
      try {
        readConfig({ TELEGRAM_WEBHOOK_SECRET: 'has spaces and: colons' });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(refused).toMatch(/TELEGRAM_WEBHOOK_SECRET: must be 1-256 characters of A-Z/);
    expect(refused).not.toContain('has spaces');
  });

  it('stops the start with the message when a value is bad', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: root, env: { ...process.env, PORT: '99999' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT="99999"/);
  });

  it('stops the start with one line naming a misspelt setting', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: root, env: { ...process.env, PORT: '0', TELEGRAM_TOKEN: '123456:ABC-DEF' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Bad configuration:\n {2}TELEGRAM_TOKEN: not a Switchboard setting, so it does nothing; did you mean TELEGRAM_BOT_TOKEN\?/);
    expect(stderr).not.toContain('ABC-DEF');
  });
});

describe('DATA_DIR', () => {
  it('is seeded with the shipped defaults when empty, and left alone otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-seed-'));
    try {
      expect(await seedDataDir(join(dir, 'fresh'))).toBe(true);
      expect(await readdir(join(dir, 'fresh', 'flows'))).toEqual(await readdir(join(shippedDataDir, 'flows')));
      const own = await dataDirWith({ 'mine.yaml': inboundFlow });
      expect(await seedDataDir(own)).toBe(false);
      expect(await readdir(join(own, 'flows'))).toEqual(['mine.yaml']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('process', () => {
  it('starts on the shipped defaults, chats, and stops cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-proc-'));
    try {
      const server = await serve({ DATA_DIR: dir });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const layla = visitor(server.url, 'layla', 'Layla');
      await layla.say('hello');
      expect((await layla.botTexts())[0]).toMatch(/Layla/);
      server.child.kill('SIGTERM');
      expect(await server.exit).toBe(0);
      expect(await readFile(join(dir, 'flows', 'inbound.yaml'), 'utf8')).toContain('flow: inbound');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // A fresh DATA_DIR: the server trains its first NLP model before it answers (seconds of CPU the other lane shares).
  }, 60_000);

  it('names in its start log the agents who cannot sign in to the web chat, with the variable each needs, never a token', async () => {
    // Before: team.yaml's agents whose webchat_token: env:NAME was unset went unmentioned; only the sign-in form said it.
    const omarToken = 'omar-start-log-token-0123456789abcdef';
    const server = await serve({ DATA_DIR: await trainedDataDir(), OMAR_WEBCHAT_TOKEN: omarToken, SARA_WEBCHAT_TOKEN: '', LINA_WEBCHAT_TOKEN: '' });
    const entries = server.logged.map((line) => JSON.parse(line) as { level: number; msg: string; unset?: unknown });
    const unset = entries.filter((entry) => entry.msg.includes('cannot sign in'));
    expect(unset).toEqual([expect.objectContaining({
      level: 40,
      msg: 'team.yaml: 2 agents cannot sign in on webchat until their variable is set: Sara (SARA_WEBCHAT_TOKEN), Lina (LINA_WEBCHAT_TOKEN). Set each to a long random secret (openssl rand -hex 24) and restart Switchboard.',
      unset: { webchat: { Sara: 'SARA_WEBCHAT_TOKEN', Lina: 'LINA_WEBCHAT_TOKEN' } },
    })]);
    expect(server.logged.join('\n')).not.toContain(omarToken);
    // Omar, whose variable is set, signs in.
    expect((await fetch(`${server.url}/agent/api/state`, { headers: { authorization: `Bearer ${omarToken}` } })).status).toBe(200);
  }, 60_000);

  it('stops a second start on the same DATA_DIR with one line naming it and the first process, which goes on serving', async () => {
    // Before: a second `npm start` (another PORT) ended in a fatal JSON log line with a stack trace.
    const dir = await trainedDataDir();
    const first = await serve({ DATA_DIR: dir });
    const second = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: root, env: { ...process.env, PORT: '0', DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(second);
    let stdout = '';
    let stderr = '';
    second.stdout!.on('data', (chunk) => (stdout += chunk));
    second.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(1);
    const lock = join(dir, 'store', 'LOCK');
    expect(stderr).toBe(`DATA_DIR=${JSON.stringify(dir)} is in use by another Switchboard (process ${first.child.pid}): stop that one first (Ctrl-C where it runs), or set DATA_DIR to another folder for this one; if process ${first.child.pid} is not a Switchboard (its pid was reused), delete ${lock}\n`);
    expect(stdout).not.toMatch(/"level":60|stack/);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  }, 60_000);

  it('loses no acknowledged message when killed with SIGKILL under load', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
    // Load from one address far past the web chat's abuse limits: this test is about durability, not those.
    const unlimited = { WEBCHAT_RATE_LIMIT: '100000/1s,100000/1s' };
    const acked = new Map<string, string[]>();
    const sent = new Map<string, { text: string; clientId: string }[]>();
    for (let round = 0; round < 2; round++) {
      const server = await serve({ DATA_DIR: dir, ...unlimited });
      let killed = false;
      const visitors = Array.from({ length: 8 }, (_, n) => `r${round}v${n}`);
      const load = visitors.map(async (session) => {
        const client = visitor(server.url, session, 'Kim');
        for (let n = 0; !killed; n++) {
          const message = { text: `${session} message ${n}`, clientId: `${session}-${n}` };
          sent.set(session, [...(sent.get(session) ?? []), message]);
          try {
            const res = await client.say(message.text, message.clientId);
            if (res.status === 202) acked.set(session, [...(acked.get(session) ?? []), message.text]);
          } catch {
            return; // the connection died with the server
          }
        }
      });
      // Killed once the load is under way (a dozen messages acknowledged in this round: on a busy machine that can take
      // seconds), at a moment that differs from run to run.
      const ackedNow = (): number => visitors.reduce((sum, session) => sum + (acked.get(session)?.length ?? 0), 0);
      for (const start = Date.now(); ackedNow() < 12 && Date.now() - start < 20_000;) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 600));
      killed = true;
      server.child.kill('SIGKILL');
      await Promise.all(load);
      await server.exit;
    }

    const server = await serve({ DATA_DIR: dir, ...unlimited });
    let total = 0;
    for (const [session, texts] of acked) {
      const client = visitor(server.url, session, 'Kim');
      const stored = (await client.messages()).filter((m) => m.from === 'contact').map((m) => m.text);
      for (const text of texts) expect(stored).toContain(text);
      total += texts.length;
      // Whatever was not acknowledged is retried with the same clientId: stored once, never twice.
      for (const message of sent.get(session) ?? []) await client.say(message.text, message.clientId);
      const after = (await client.messages()).filter((m) => m.from === 'contact').map((m) => m.text);
      expect(after).toEqual((sent.get(session) ?? []).map((m) => m.text));
    }
    expect(total).toBeGreaterThan(20);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
  }, 120_000);
});
