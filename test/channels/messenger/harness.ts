// The real server with the Messenger channel on (and Instagram with INSTAGRAM=1), pointed at a fake Graph API on
// 127.0.0.1, and a way to post webhook bodies as Meta does: signed with the app secret over the exact bytes sent.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSwitchboard, type StartOptions, type Switchboard } from '../../../src/server/switchboard.ts';
import type { Logger } from '../../../src/shared/log.ts';
import { dataDirWith, quietLog } from '../../helpers.ts';
import { FakeGraphApi } from '../meta/fake-graph-api.ts';

export const TOKEN = 'EAAPage-test-token-0123456789';
export const APP_SECRET = 'messenger-app-secret-0123456789';
export const VERIFY_TOKEN = 'verify-the-page';
/** The fixtures' Page, and the person writing to it. */
export const PAGE_ID = '1122334455';
export const PSID = '6789012345678901';
/** The Instagram fixtures' professional account, and the person writing to it. */
export const IG_ACCOUNT = '17841405822304914';
export const IGSID = '1234567890123456';

/** A fixture as an object, to change before posting. */
export const fixture = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));

/** `X-Hub-Signature-256` for `raw`, as Meta computes it. */
export function sign(raw: string | Buffer, secret = APP_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** A clock the test moves. */
export function clock(start = '2026-03-02T09:00:00.000Z') {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    /** Milliseconds, as Messenger writes timestamps. */
    ms: () => now,
  };
}

/** A webhook body of `events` in one entry: Messenger's (`page`) or Instagram's. */
export function batch(events: Record<string, unknown>[], options: { object?: 'page' | 'instagram'; standby?: Record<string, unknown>[] } = {}): Record<string, unknown> {
  const object = options.object ?? 'page';
  return {
    object,
    entry: [{
      id: object === 'page' ? PAGE_ID : IG_ACCOUNT,
      time: 1763950400000,
      ...(events.length > 0 ? { messaging: events } : {}),
      ...(options.standby ? { standby: options.standby } : {}),
    }],
  };
}

let counter = 1000;
/** A customer's text event, with a fresh mid. */
export function textEvent(text: string, options: { from?: string; to?: string; timestamp?: number; mid?: string } = {}): Record<string, unknown> {
  return {
    sender: { id: options.from ?? PSID },
    recipient: { id: options.to ?? PAGE_ID },
    timestamp: options.timestamp ?? 1763950400000,
    message: { mid: options.mid ?? `m_IN${counter++}`, text },
  };
}

export interface MessengerServer {
  app: Switchboard;
  /** DATA_DIR. */
  dir: string;
  graph: FakeGraphApi;
  /** POSTs a body (an object is serialised) to /webhooks/messenger, signed unless `signature` says otherwise. */
  post(body: unknown, options?: { signature?: string | null }): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * Resolves once every reply stored so far to customers has left, sent or failed. A reply is stored with the
 * message that caused it, before the webhook answers: after this, a reply that was not sent was never made.
 */
export async function settled(server: MessengerServer): Promise<void> {
  const { store } = server.app;
  const busy = async () => {
    const contacts = await store.contacts();
    const messages = (await Promise.all(contacts.map((contact) => store.messagesOfContact(contact.id)))).flat();
    return messages.some((message) => message.status === 'pending' || message.status === 'sending');
  };
  for (let waited = 0; await busy(); waited += 10) {
    if (waited > 5000) throw new Error('replies still being sent after 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface MessengerServerOptions {
  flows: Record<string, string>;
  team?: string;
  now?: () => Date;
  log?: Logger;
  config?: Partial<StartOptions['config']>;
  /** The outbox's delays (`StartOptions.outbox`). */
  outbox?: StartOptions['outbox'];
}

/** Starts the fake Graph API and the server with the Messenger channel on. */
export async function startMessenger(options: MessengerServerOptions): Promise<MessengerServer> {
  const graph = await FakeGraphApi.start(TOKEN);
  // The token is the fixtures' Page's, linked to the fixtures' Instagram account.
  graph.setPage({ id: PAGE_ID, instagram_business_account: { id: IG_ACCOUNT } });
  const dir = await dataDirWith(options.flows);
  if (options.team) await writeFile(join(dir, 'team.yaml'), options.team);
  let app: Switchboard;
  try {
    app = await startSwitchboard({
      config: {
        PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir,
        MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN,
        GRAPH_API_ROOT: graph.url,
        ...options.config,
      },
      log: options.log ?? quietLog,
      watch: false,
      sweepEveryMs: 0,
      ...(options.now ? { now: options.now } : {}),
      ...(options.outbox ? { outbox: options.outbox } : {}),
    });
  } catch (error) {
    await graph.close();
    throw error;
  }
  return {
    app,
    dir,
    graph,
    async post(body, postOptions = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const signature = postOptions.signature === undefined ? sign(raw) : postOptions.signature;
      const res = await fetch(`${app.url}/webhooks/messenger`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-hub-signature-256': signature } : {}) },
        body: raw,
      });
      const answer = await res.text();
      return { status: res.status, body: answer === '' ? {} : (JSON.parse(answer) as Record<string, unknown>) };
    },
    async stop() {
      await app.stop();
      await graph.close();
    },
  };
}
