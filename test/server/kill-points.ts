// One customer's life with the server killed (kill -9: the OOM killer, a crash, an operator's restart) at chosen points,
// for test/server/kills-*.test.ts: the real server in a child process on the embedded store under a temporary
// DATA_DIR, Layla and the agents Omar (Billing) and Sara (Support) on Telegram, the Bot API faked on 127.0.0.1
// recording what each of them was sent. A kill is placed by what the fake received (a send held on its way, then the
// process killed), not by a sleep; the restart runs on the same DATA_DIR.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs, dataDirWith } from '../helpers.ts';
import { postUpdate, sleep, startServerProcess, type ServerProcess } from '../reliability/processes.ts';
import { stopLeftoverServers } from '../server-process.ts';

export const LAYLA = 5001;
export const OMAR = 9001;
export const SARA = 9002;
export const KARIM = 5002;
export const ADMIN_TOKEN = 'kill-points-admin-token-0123456789';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your email address?"
    expect: email
    save: contact.email
    skip_if_known: true
    invalid: "That doesn't look like an email address. Could you check it?"
  - ask: "Which team?"
    expect: choice
    choices:
      - { id: Billing, title: Billing }
      - { id: Support, title: Support }
    save: conversation.topic
  - assign: { team: "{{conversation.topic}}" }
    queued: "Everyone is busy; you are number {{queue.position}} in line."
`;

const survey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do, from 1 to 5?"
    expect: number
    save: conversation.rating
  - say: "Thanks! You rated us {{conversation.rating}}."
`;

const team = `teams:
  - name: Billing
  - name: Support
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
  - name: Sara
    telegram: ${SARA}
    teams: [Support]
`;

/** Kills what a failed test left running and removes its DATA_DIR, after each test of the file that calls it. */
export function cleanUpAfterEach(): void {
  afterEach(async () => {
    await stopLeftoverServers();
    await cleanupDirs();
  });
}

let nextUpdate = 1;
/** A private text message from `chat`, as Telegram posts it to the webhook. */
function text(chat: number, body: string): Record<string, unknown> {
  const n = nextUpdate++;
  const person = { id: chat, first_name: ({ [LAYLA]: 'Layla', [KARIM]: 'Karim', [OMAR]: 'Omar' } as Record<number, string>)[chat] ?? 'Sara' };
  return { update_id: n, message: { message_id: n, date: Math.ceil(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: body } };
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const began = Date.now(); !(await check());) {
    if (Date.now() - began > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/** A conversation as the admin API lists it. */
interface Listed { id: number; status: string; stage: string; team?: string; agentId?: string }

export class Life {
  server!: ServerProcess;
  constructor(readonly api: FakeBotApi, readonly dir: string) {}

  /** `teamFile`: team.yaml, when not Omar (Billing) and Sara (Support). */
  static async begin(teamFile = team): Promise<Life> {
    const api = await FakeBotApi.start();
    const dir = await dataDirWith({ 'inbound.yaml': flow, 'survey.yaml': survey });
    await writeFile(join(dir, 'team.yaml'), teamFile);
    await mkdir(join(dir, 'nlp'));
    await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing: [I was charged twice, refund my order]\n  tech_support: [the app crashes, I cannot log in]\n');
    const life = new Life(api, dir);
    life.server = await life.start();
    return life;
  }

  start(): Promise<ServerProcess> {
    return startServerProcess(this.dir, this.api, { ADMIN_TOKEN, SWEEP_EVERY: '30s' });
  }

  /** `chat` writes `body`; the webhook must acknowledge it (200: stored). */
  async say(chat: number, body: string): Promise<void> {
    expect(await postUpdate(this.server.url, text(chat, body)), `"${body}" acknowledged`).toBe(200);
  }

  /** Omar goes online and Layla, with her email, picks Billing: her conversation #1 is his, his card received. */
  async omarHoldsLayla(): Promise<void> {
    await this.say(OMAR, '/online');
    await this.sees(OMAR, /online/i);
    await this.say(LAYLA, 'hi');
    await this.say(LAYLA, 'layla@example.com');
    await this.say(LAYLA, 'Billing');
    await this.sees(OMAR, /^#1 · new conversation/);
  }

  sent(chat: number): string[] {
    return this.api.sentTo(chat);
  }

  /** Resolves once `chat` was sent a message matching `pattern` (its text). */
  async sees(chat: number, pattern: RegExp | string): Promise<string> {
    const matches = (t: string) => (typeof pattern === 'string' ? t === pattern : pattern.test(t));
    await until(`chat ${chat} sent ${pattern}; it was sent ${JSON.stringify(this.sent(chat))}`, () => this.sent(chat).some(matches));
    return this.sent(chat).find(matches) as string;
  }

  /**
   * Holds what goes to `chats`, lets `act` run (acknowledged), waits until a send to the first of them is on its way,
   * kills the server there, lets the held sends go (they never reach Telegram: their sender is dead) and restarts;
   * `kills` times in a row, each restarted server killed while it sends that again.
   */
  async killWhileSending(chats: number[], act: () => Promise<void>, kills = 1): Promise<void> {
    let holds = chats.map((chat) => this.api.holdChat(chat));
    await act();
    for (let kill = 1; kill <= kills; kill++) {
      await until(`a send to ${chats[0]} on its way (kill ${kill})`, () => holds[0]!.waiting() > 0);
      await this.kill();
      const dropped = holds;
      holds = kill < kills ? chats.map((chat) => this.api.holdChat(chat)) : [];
      for (const hold of dropped) hold.release();
      this.server = await this.start();
    }
  }

  async kill(): Promise<void> {
    this.server.child.kill('SIGKILL');
    await this.server.exited;
  }

  async conversations(): Promise<Listed[]> {
    const res = await fetch(`${this.server.url}/api/conversations?limit=200`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { conversations: Listed[] }).conversations;
  }

  /**
   * An admin's decision from the dashboard (`POST /api/<path>`, or `DELETE` without a body), signed `X-Admin-Name: name`,
   * the dashboard in `language`.
   */
  async admin(path: string, body?: unknown, name = 'Nadia', language = 'en'): Promise<{ status: number; body: { ok?: boolean; message?: string; error?: string } }> {
    const res = await fetch(`${this.server.url}/api${path}`, {
      method: body === undefined ? 'DELETE' : 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'x-admin-name': name, 'accept-language': language },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() as { ok?: boolean; message?: string; error?: string } };
  }

  async stop(): Promise<void> {
    this.server.child.kill('SIGTERM');
    await this.server.exited;
    await this.api.close();
  }
}
