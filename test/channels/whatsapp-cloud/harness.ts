// The real server with the WhatsApp Cloud channel on, pointed at a fake Graph API on 127.0.0.1, and a way to post
// webhook bodies as Meta does: signed with the app secret over the exact bytes sent.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSwitchboard, type StartOptions, type Switchboard } from '../../../src/server/switchboard.ts';
import type { Logger } from '../../../src/shared/log.ts';
import { dataDirWith, quietLog } from '../../helpers.ts';
import { FakeGraphApi } from '../meta/fake-graph-api.ts';

export const TOKEN = 'EAAG-test-token-0123456789';
export const APP_SECRET = 'app-secret-0123456789abcdef';
export const VERIFY_TOKEN = 'verify-me-please';
/** The fixtures' metadata.phone_number_id. */
export const PHONE_NUMBER_ID = '106540352242922';
export const SHEENA = '16505551234';

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
    /** Unix seconds, as Meta writes timestamps. */
    seconds: () => String(Math.floor(now / 1000)),
  };
}

/** A `messages` change from `from` with `messages` (Sheena's profile unless `name` says otherwise). */
export function messagesBody(messages: Record<string, unknown>[], options: { from?: string; name?: string; statuses?: Record<string, unknown>[] } = {}): Record<string, unknown> {
  const from = options.from ?? SHEENA;
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: '102290129340398',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
          ...(messages.length > 0 ? { contacts: [{ profile: { name: options.name ?? 'Sheena Nelson' }, wa_id: from }], messages } : {}),
          ...(options.statuses ? { statuses: options.statuses } : {}),
        },
      }],
    }],
  };
}

let wamid = 1000;
/** A text message from `from`, with a fresh wamid. */
export function text(body: string, options: { from?: string; timestamp?: string } = {}): Record<string, unknown> {
  return { from: options.from ?? SHEENA, id: `wamid.IN${wamid++}`, timestamp: options.timestamp ?? '1763950300', type: 'text', text: { body } };
}

export interface CloudServer {
  app: Switchboard;
  /** DATA_DIR. */
  dir: string;
  graph: FakeGraphApi;
  /** POSTs a body (an object is serialised) to /webhooks/whatsapp, signed unless `signature` says otherwise. */
  post(body: unknown, options?: { signature?: string | null }): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Stops the server and starts another on the same DATA_DIR and fake Graph API (as `app`): a restart, or another process. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Resolves once every reply stored so far to customers (and to the WhatsApp `addresses` of agents) has left, sent or
 * failed. A reply is stored with the message that caused it, before the webhook answers: after this, a reply that
 * was not sent was never made.
 */
export async function settled(cloud: CloudServer, ...addresses: string[]): Promise<void> {
  const { store } = cloud.app;
  const busy = async () => {
    const contacts = await store.contacts();
    const messages = [
      ...(await Promise.all(contacts.map((contact) => store.messagesOfContact(contact.id)))).flat(),
      ...(await Promise.all(addresses.map((address) => store.messagesOfAddress('whatsapp-cloud', address)))).flat(),
    ];
    return messages.some((message) => message.status === 'pending' || message.status === 'sending');
  };
  for (let waited = 0; await busy(); waited += 10) {
    if (waited > 5000) throw new Error('replies still being sent after 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface CloudServerOptions {
  flows: Record<string, string>;
  team?: string;
  now?: () => Date;
  log?: Logger;
  config?: Partial<StartOptions['config']>;
  /** The outbox's delays (`StartOptions.outbox`). */
  outbox?: StartOptions['outbox'];
  /** The dashboard's bundle (`builtDashboard()`), for a test that opens it. */
  dashboardDir?: string;
  /** How often the dashboard's "Replies not sent yet" banner is looked at without a notice (`StartOptions.adminWaitingLookMs`). */
  adminWaitingLookMs?: number;
}

/** Starts the fake Graph API and the server with the WhatsApp Cloud channel on. */
export async function startCloud(options: CloudServerOptions): Promise<CloudServer> {
  const graph = await FakeGraphApi.start(TOKEN);
  const dir = await dataDirWith(options.flows);
  if (options.team) await writeFile(join(dir, 'team.yaml'), options.team);
  const boot = () => startSwitchboard({
    config: {
      PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir,
      WHATSAPP_TOKEN: TOKEN, WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID, WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      GRAPH_API_ROOT: graph.url,
      ...options.config,
    },
    log: options.log ?? quietLog,
    watch: false,
    sweepEveryMs: 0,
    ...(options.now ? { now: options.now } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
    ...(options.dashboardDir !== undefined ? { dashboardDir: options.dashboardDir } : {}),
    ...(options.adminWaitingLookMs !== undefined ? { adminWaitingLookMs: options.adminWaitingLookMs } : {}),
  });
  let app: Switchboard;
  try {
    app = await boot();
  } catch (error) {
    await graph.close();
    throw error;
  }
  const server: CloudServer = {
    app,
    dir,
    graph,
    async post(body, postOptions = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const signature = postOptions.signature === undefined ? sign(raw) : postOptions.signature;
      const res = await fetch(`${server.app.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-hub-signature-256': signature } : {}) },
        body: raw,
      });
      const answer = await res.text();
      return { status: res.status, body: answer === '' ? {} : (JSON.parse(answer) as Record<string, unknown>) };
    },
    async restart() {
      await server.app.stop();
      server.app = await boot();
    },
    async stop() {
      await server.app.stop();
      await graph.close();
    },
  };
  return server;
}
