// The web chat channel on its own HTTP server, over an in-memory list of messages standing in for the runtime and
// the store: what a visitor posts is kept as the runtime keeps it, and agents' messages are added by the test.
// Sessions are open by default (WEBCHAT_OPEN_SESSIONS=1), so a test may name its own; sessions made by
// POST /webchat/sessions still need their token.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebchatChannel, type WebchatOptions } from '../../src/channels/webchat/index.ts';
import { AgentSignIn, type WebchatAgent, type WebchatSession } from '../../src/channels/webchat/auth.ts';
import type { Rate } from '../../src/channels/webchat/limits.ts';
import { createApp } from '../../src/server/app.ts';
import { FileMediaStore } from '../../src/store/media.ts';
import type { Message } from '../../src/store/types.ts';
import type { Attachment, InboundMessage } from '../../src/types.ts';
import { quietLog } from '../helpers.ts';

export interface WebchatHarness {
  url: string;
  /** Every message, as the store would list it. */
  messages: Message[];
  delivered: InboundMessage[];
  media: FileMediaStore;
  /** How many times the channel read a page of history. */
  reads(): number;
  /** Customers' sessions made by POST /webchat/sessions. */
  sessions: Map<string, WebchatSession>;
  /** What the media folder holds (file names). */
  mediaFiles(): Promise<string[]>;
  /** The media folder, for a test to lay out files as an earlier release stored them. */
  mediaDir: string;
  /** An agent's (or the bot's) message to `session`, stored then sent as the outbox does. */
  say(session: string, from: 'bot' | 'agent', text: string, attachments?: Attachment[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the web chat alone on 127.0.0.1.
 *
 *     const chat = await webchatHarness({ maxBytes: 1024 });
 *     await fetch(`${chat.url}/webchat/v-1/messages`, { method: 'POST', body: form });
 */
export async function webchatHarness(options: {
  maxBytes?: number;
  openSessions?: boolean;
  agents?: WebchatAgent[];
  /** Agents' sign-in attempts per address (default 10 a minute). */
  loginRate?: Rate;
  limits?: WebchatOptions['limits'];
  pages?: WebchatOptions['pages'];
  /** While it says true, the server answers as Switchboard starting (503). */
  starting?: () => boolean;
  /** How long a file's address opens it (default a day). */
  fileLinkMs?: number;
} = {}): Promise<WebchatHarness> {
  const dir = join(await mkdtemp(join(tmpdir(), 'switchboard-webchat-')), 'media');
  const media = new FileMediaStore({ dir, maxBytes: options.maxBytes ?? 1024 * 1024 });
  const messages: Message[] = [];
  const delivered: InboundMessage[] = [];
  const sessions = new Map<string, WebchatSession>();
  const agentList = options.agents ?? [];
  const agents = {
    all: () => agentList,
    bySession: (session: string) => agentList.find((agent) => agent.session === session),
    nameOf: (agentId: string) => agentList.find((agent) => agent.id === agentId)?.name,
  };
  let nextId = 1;
  let reads = 0;
  const channel = createWebchatChannel({
    history: async (session, after, limit) => {
      reads++;
      return messages.filter((message) => message.address === session && message.id > after).slice(0, limit);
    },
    sessions: { get: async (session) => sessions.get(session), put: async (session, record) => void sessions.set(session, record) },
    agents,
    signIn: new AgentSignIn({ agents, ...(options.loginRate ? { loginRate: options.loginRate } : {}) }),
    openSessions: options.openSessions ?? true,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.pages ? { pages: options.pages } : {}),
    log: quietLog,
    heartbeatSeconds: 60,
    ...(options.fileLinkMs !== undefined ? { fileLinkMs: options.fileLinkMs } : {}),
  });
  const { handler, routes } = createApp({ log: quietLog, health: () => ({ status: 'ok' }), ready: () => ({ status: 'ready' }), starting: options.starting ?? (() => false) });
  channel.mount?.(routes);
  await channel.start({
    async deliver(inbound) {
      if (delivered.some((seen) => seen.id === inbound.id)) return;
      delivered.push(inbound);
      messages.push({
        id: nextId++, channel: 'webchat', address: inbound.from.id, direction: 'in', from: 'contact', text: inbound.text ?? '',
        ...(inbound.attachments ? { attachments: inbound.attachments } : {}), channelMessageId: inbound.id, at: inbound.at,
      });
    },
    async report() {},
    async updateIdentity() {},
    async lastInboundAt() {
      return undefined;
    },
    async referenceOf() {
      return undefined;
    },
    media,
    commands: [],
  });
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    delivered,
    media,
    sessions,
    reads: () => reads,
    mediaFiles: () => readdir(dir).catch(() => []),
    mediaDir: dir,
    async say(session, from, text, attachments) {
      const message: Message = {
        id: nextId++, channel: 'webchat', address: session, direction: 'out', from, text, ...(attachments ? { attachments } : {}), at: new Date().toISOString(),
      };
      messages.push(message);
      await channel.send(session, { id: message.id, text, ...(attachments ? { attachments } : {}) });
    },
    async stop() {
      await channel.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A multipart body: `file` (bytes, type, name) and text fields, as a browser's FormData would send it. */
export function form(file: { bytes: Uint8Array<ArrayBuffer> | string; type: string; name: string } | undefined, fields: Record<string, string> = {}): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  if (file) body.append('file', new Blob([file.bytes], { type: file.type }), file.name);
  return body;
}
