// Shared test helpers: temp data dirs with given flows, a quiet logger, and a web chat client over HTTP.
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, mkdir, open as openFile, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { vi } from 'vitest';
import { createLogger, type Logger } from '../src/shared/log.ts';
import { startSwitchboard, type Switchboard } from '../src/server/switchboard.ts';
import { seedDataDir } from '../src/server/data-dir.ts';
import { bundleDashboard } from '../src/server/dashboard.ts';
import { FileMediaStore } from '../src/store/media.ts';
import type { ChannelHost, Deliver } from '../src/types.ts';
import type { Config } from '../src/server/config.ts';
import { SLOW_MACHINE_WARNING } from './store/helpers.ts';

export { SLOW_MACHINE_WARNING };

export const quietLog = createLogger({ level: 'silent' });

/** A real logger (redaction included) whose JSON lines are kept, for tests that read what was logged. */
export function recordingLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), lines };
}

const made: string[] = [];

/** A temp DATA_DIR holding the given flow files (name → YAML). Removed by `cleanupDirs`. */
export async function dataDirWith(flows: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-test-'));
  made.push(dir);
  await mkdir(join(dir, 'flows'), { recursive: true });
  for (const [name, source] of Object.entries(flows)) await writeFile(join(dir, 'flows', name), source);
  return dir;
}

export async function cleanupDirs(): Promise<void> {
  visitors.clear();
  await keepTrainedModels();
  modelled.clear();
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/**
 * Starts Switchboard on a free port over `dataDir`; without the periodic check and timeouts unless `sweepEveryMs` is
 * given. With an admin token, its dashboard serves the bundle `builtDashboard()` made, as a built server serves
 * dist/admin-ui; `{ dashboardFromSources: true }` bundles src/admin-ui at the first visit instead, as `npm start` does.
 */
export async function start(dataDir: string, options: { now?: () => Date; adminToken?: string; adminHeartbeatMs?: number; consoleHeartbeatMs?: number; adminWaitingLookMs?: number; modelWaitMs?: number; watch?: boolean; sweepEveryMs?: number; config?: Partial<Config>; dashboardFromSources?: boolean } = {}): Promise<Switchboard> {
  const { adminToken, config, dashboardFromSources, ...rest } = options;
  const admin = adminToken ?? config?.ADMIN_TOKEN;
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dataDir, ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}), ...config },
    log: quietLog,
    watch: false,
    sweepEveryMs: 0,
    ...(admin && !dashboardFromSources ? { dashboardDir: await builtDashboard() } : {}),
    ...rest,
  });
  // The model it trained, for the next data dirs of this file too.
  if (modelled.has(dataDir)) await keepTrainedModels(dataDir);
  return app;
}

/**
 * Where this checkout's bundles of the dashboard are kept between test files, each in a folder named after its
 * inputs' contents.
 */
const DASHBOARDS = join(tmpdir(), `switchboard-test-dashboards-${createHash('sha256').update(fileURLToPath(new URL('..', import.meta.url))).digest('hex').slice(0, 16)}`);

let dashboard: Promise<string> | undefined;

/**
 * A folder holding the dashboard bundled from the current sources (app.js, app.css), as `npm run build` writes
 * dist/admin-ui: esbuild bundles it once, later test files reuse it while every file it was made from (src/admin-ui
 * and what it imports, node_modules included) is byte for byte the same, so a changed source is never served from
 * an older bundle.
 *
 *     mountDashboard(app, { uiDir: await builtDashboard() });
 */
export function builtDashboard(): Promise<string> {
  dashboard ??= (async () => {
    for (const key of await readdir(DASHBOARDS).catch(() => [])) {
      if (key.endsWith('.part')) continue; // another test process writing one
      const inputs = await readFile(join(DASHBOARDS, key, 'inputs.json'), 'utf8').then((text) => JSON.parse(text) as string[], () => undefined);
      if (inputs && (await contentKey(inputs)) === key) return join(DASHBOARDS, key);
      // Made from sources since changed (or left half-written): never served again.
      await rm(join(DASHBOARDS, key), { recursive: true, force: true });
    }
    const { js, css, inputs } = await bundleDashboard();
    const key = await contentKey(inputs);
    const part = join(DASHBOARDS, `${key}.${process.pid}.part`);
    await mkdir(part, { recursive: true });
    await Promise.all([writeFile(join(part, 'app.js'), js), writeFile(join(part, 'app.css'), css), writeFile(join(part, 'inputs.json'), JSON.stringify(inputs))]);
    // Another test process may have kept the same bundle meanwhile: theirs is as good.
    await rename(part, join(DASHBOARDS, key)).catch(() => rm(part, { recursive: true, force: true }));
    return join(DASHBOARDS, key);
  })();
  dashboard.catch(() => (dashboard = undefined));
  return dashboard;
}

/** A hash of files' names and contents (a missing file counts as its own content). */
async function contentKey(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) hash.update(file).update('\0').update(await readFile(file).catch(() => Buffer.from('\0missing'))).update('\0');
  return hash.digest('hex').slice(0, 32);
}

/**
 * The web chat tokens of the shipped agents in tests: the shipped team.yaml reads them from these variables, and
 * `shippedDataDir()` sets each one not set already.
 */
export const SHIPPED_AGENT_TOKENS: Record<string, string> = {
  OMAR_WEBCHAT_TOKEN: 'omar-test-webchat-token-0123456789',
  SARA_WEBCHAT_TOKEN: 'sara-test-webchat-token-0123456789',
  LINA_WEBCHAT_TOKEN: 'lina-test-webchat-token-0123456789',
};

/** The `webchat_token` the tests' own team.yaml files give their web chat agents. */
export const TEST_AGENT_TOKEN = 'test-token-0123456789abcdef';

/**
 * The token of the agent whose web chat session is `agent-<name>`: `<NAME>_WEBCHAT_TOKEN` from the environment
 * (the shipped agents'), else `TEST_AGENT_TOKEN`.
 *
 *     agentToken('agent-omar'); // process.env.OMAR_WEBCHAT_TOKEN
 */
export function agentToken(session: string): string {
  return process.env[`${session.replace(/^agent-/, '').toUpperCase()}_WEBCHAT_TOKEN`] ?? TEST_AGENT_TOKEN;
}

/**
 * A temp DATA_DIR holding the shipped defaults (flows, team.yaml, nlp), as on a first start; the agents' tokens are
 * set. Its NLP model is there already when an earlier test trained it (`withTrainedModels`). `{ trained: false }`
 * leaves it out, for a test of the training itself.
 */
export async function shippedDataDir(options: { trained?: boolean } = {}): Promise<string> {
  for (const [variable, token] of Object.entries(SHIPPED_AGENT_TOKENS)) process.env[variable] ??= token;
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-test-'));
  made.push(dir);
  const data = join(dir, 'data');
  await seedDataDir(data);
  if (options.trained !== false) await withTrainedModels(data);
  return data;
}

/** Where a DATA_DIR's service keeps its trained NLP models (src/server/switchboard.ts). */
const NLP_CACHE = join('store', 'nlp-cache');

/** The DATA_DIRs given trained models since the last `cleanupDirs`, with what their nlp/ held then. */
const modelled = new Map<string, string>();

/**
 * Gives `data` (a DATA_DIR a test made, its nlp/ written) the NLP models (and eval figures) earlier tests' servers
 * trained, as after a restart: the service loads the one of its training data's hash instead of training it again
 * (seconds of CPU at each start; every test over the same intents trained the same model). What its own server
 * trains is kept for the next tests at `cleanupDirs`, if its nlp/ is still as it was here.
 */
export async function withTrainedModels(data: string): Promise<void> {
  modelled.set(data, await fingerprint(join(data, 'nlp')));
  await copyModels(await keptModels(), join(data, NLP_CACHE));
}

let kept: Promise<string> | undefined;

/**
 * The directory that keeps, between test files and runs, the NLP models tests' servers trained, each under its data's
 * hash: one directory per version of the NLP code (src/bot/nlp), so that a changed trainer is never tested on an older
 * one's model.
 */
function keptModels(): Promise<string> {
  kept ??= (async () => {
    const dir = join(tmpdir(), `switchboard-test-nlp-models-${(await fingerprint(fileURLToPath(new URL('../src/bot/nlp/', import.meta.url)))).slice(0, 16)}`);
    await mkdir(dir, { recursive: true });
    return dir;
  })();
  return kept;
}

/** Copies the finished model files (`<hash>.json`, `<hash>.eval.json`) of `from` into `to`, each whole (a rename). */
async function copyModels(from: string, to: string): Promise<void> {
  const names = (await readdir(from).catch(() => [])).filter((name) => name.endsWith('.json'));
  if (names.length === 0) return;
  await mkdir(to, { recursive: true });
  for (const name of names) {
    const part = join(to, `${name}.${process.pid}.part`);
    await copyFile(join(from, name), part);
    await rename(part, join(to, name));
  }
}

/** Keeps the models the servers of `withTrainedModels`' DATA_DIRs (or of `only`) trained, for the next tests. */
async function keepTrainedModels(only?: string): Promise<void> {
  const known = new Set(await readdir(await keptModels()));
  for (const [data, before] of modelled) {
    if (only !== undefined && data !== only) continue;
    const names = (await readdir(join(data, NLP_CACHE)).catch(() => [])).filter((name) => name.endsWith('.json'));
    if (!names.some((name) => !known.has(name)) || (await fingerprint(join(data, 'nlp'))) !== before) continue;
    await copyModels(join(data, NLP_CACHE), await keptModels()).catch(() => undefined);
  }
}

/** A hash of the files under `dir`, names and contents ('' when there is no such directory). */
async function fingerprint(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true }).catch(() => undefined);
  if (!names) return '';
  const hash = createHash('sha256');
  for (const name of names.sort()) hash.update(name).update('\0').update(await readFile(join(dir, name)).catch(() => '')).update('\0');
  return hash.digest('hex');
}

export interface ListedMessage {
  id: number;
  from: 'contact' | 'bot' | 'agent';
  name?: string;
  text: string;
  quote?: string;
  choices?: { id: string; title: string }[];
  conversationId?: number;
  clientId?: string;
  delivery?: 'delivered' | 'read';
  /** Files, as the page gets them: `url` to fetch the bytes. */
  attachments?: { kind: string; mime?: string; name?: string; url?: string; animation?: boolean }[];
  at: string;
}

/** Web chat credentials: a session and what opens it. */
export interface Credentials {
  session: string;
  token: string;
}

/** Visitors' sessions by the label tests give them, so the same label on a restarted server is the same visitor. */
const visitors = new Map<string, { credentials: Promise<Credentials>; baseUrl: string }>();

/**
 * Makes a web chat session (`POST /webchat/sessions`).
 *
 *     const { session, token } = await newSession(app.url, 'Layla');
 */
export async function newSession(baseUrl: string, name?: string): Promise<Credentials> {
  const res = await fetch(`${baseUrl}/webchat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(name ? { name } : {}) });
  if (res.status !== 201) throw new Error(`POST /webchat/sessions answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Credentials;
}

/**
 * A visitor of the web chat, speaking the JSON API. `label` names them in the test: the first use makes their
 * session (the same label later, on a restarted server too, is the same visitor, until `cleanupDirs`). A label
 * `agent-<name>` is that agent's own session, opened with `agentToken(label)`.
 *
 *     const layla = visitor(app.url, 'layla', 'Layla');
 *     await layla.say('hello');
 */
export function visitor(baseUrl: string, label: string, name?: string) {
  const credentials = (fresh = false): Promise<Credentials> => {
    if (label.startsWith('agent-')) return Promise.resolve({ session: label, token: agentToken(label) });
    const known = visitors.get(label);
    if (known && !fresh) return known.credentials;
    const made = newSession(baseUrl, name);
    visitors.set(label, { credentials: made, baseUrl });
    made.catch(() => visitors.delete(label));
    return made;
  };
  /** A request with the visitor's token; a session another server made (another test's) is made again here. */
  const send = async (path: string, init: RequestInit = {}): Promise<Response> => {
    let { session, token } = await credentials();
    let res = await fetch(`${baseUrl}/webchat/${session}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
    if (res.status === 401 && visitors.get(label)?.baseUrl !== baseUrl) {
      ({ session, token } = await credentials(true));
      res = await fetch(`${baseUrl}/webchat/${session}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
    }
    return res;
  };
  const post = async (body: Record<string, unknown>) => {
    const res = await send('/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...(name ? { name } : {}), ...body }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    credentials: () => credentials(),
    say: (text: string, clientId?: string) => post({ text, ...(clientId ? { clientId } : {}) }),
    press: (choice: string) => post({ choice }),
    quote: (text: string, replyTo: number) => post({ text, replyTo }),
    post,
    /** Every message after `after`, read a page at a time. */
    async messages(after = 0): Promise<ListedMessage[]> {
      const all: ListedMessage[] = [];
      for (let cursor = after, more = true; more;) {
        const res = await send(`/messages?after=${cursor}&limit=200`);
        if (res.status !== 200) throw new Error(`GET /webchat/…/messages answered ${res.status}: ${await res.text()}`);
        const page = (await res.json()) as { messages: ListedMessage[]; more: boolean };
        all.push(...page.messages);
        more = page.more;
        cursor = page.messages.at(-1)?.id ?? cursor;
        if (page.messages.length === 0) break;
      }
      return all;
    },
    /** Texts the bot said, in order. */
    async botTexts(): Promise<string[]> {
      return (await this.messages()).filter((m) => m.from === 'bot').map((m) => m.text);
    },
  };
}

export const inboundFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - ask: "What is your email address?"
    expect: email
    save: contact.email
    skip_if_known: true
    retries: 2
    invalid: "That doesn't look like an email address."
  - ask: "What can we help you with?"
    save: conversation.need
  - say: "Thanks, noted: {{conversation.need}}"
  - close: "flow finished"
`;

/** A log that keeps its lines. */
export function memoryLog() {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    info: (_o: object, msg: string) => lines.push({ level: 'info', msg }),
    warn: (_o: object, msg: string) => lines.push({ level: 'warn', msg }),
    error: (_o: object, msg: string) => lines.push({ level: 'error', msg }),
  };
}

/**
 * Polls `check` until it returns true (fs.watch events, synced commits and sends come on their own schedule); up to
 * 10 s, as expect.poll (vitest.config.ts): beside the other lane and other runs a send can take seconds to come.
 */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Whether `line`, a line a server process printed, is the store's warning that the machine is slow
 * (`SLOW_MACHINE_WARNING`: level 40, that message).
 */
export function isSlowMachineWarning(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
    return entry.level === 40 && typeof entry.msg === 'string' && SLOW_MACHINE_WARNING.test(entry.msg);
  } catch {
    return false;
  }
}

/** What the wiring hands a channel, around `deliver`: statuses kept in `reported`, media in a temp folder. */
export function hostFor(deliver: Deliver, options: { maxBytes?: number } = {}): ChannelHost & {
  reported: Parameters<ChannelHost['report']>[0][];
  identityUpdates: Parameters<ChannelHost['updateIdentity']>[0][];
  /** Address → when they last wrote, for `lastInboundAt`. */
  lastInbound: Map<string, string>;
  /** Address → its conversation reference, for `referenceOf`. */
  references: Map<string, Record<string, string>>;
} {
  const reported: Parameters<ChannelHost['report']>[0][] = [];
  const identityUpdates: Parameters<ChannelHost['updateIdentity']>[0][] = [];
  const lastInbound = new Map<string, string>();
  const references = new Map<string, Record<string, string>>();
  const dir = join(tmpdir(), `switchboard-media-${process.pid}-${Math.random().toString(36).slice(2)}`);
  made.push(dir);
  return {
    deliver,
    reported,
    identityUpdates,
    lastInbound,
    references,
    async report(status) {
      reported.push(status);
    },
    async updateIdentity(update) {
      identityUpdates.push(update);
    },
    async lastInboundAt(address) {
      return lastInbound.get(address);
    },
    async referenceOf(address) {
      return references.get(address);
    },
    media: new FileMediaStore({ dir, maxBytes: options.maxBytes ?? 1024 * 1024 }),
    commands: [{ command: 'online', description: 'take new conversations' }],
  };
}

/** A port nothing listens on now, to know where a server still starting will answer. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * While `full`, every fdatasync fails with ENOSPC, as on a disk that filled up: what was written never reaches it.
 * Undone by `vi.restoreAllMocks()`.
 *
 *     const disk = await fillableDisk(dataDir);
 *     disk.full = true;
 */
export async function fillableDisk(dir: string): Promise<{ full: boolean }> {
  const probe = await openFile(join(dir, 'probe'), 'w');
  const prototype = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
  await probe.close();
  await rm(join(dir, 'probe'));
  const disk = { full: false };
  const datasync = prototype.datasync;
  vi.spyOn(prototype, 'datasync').mockImplementation(function (this: unknown) {
    if (!disk.full) return datasync.call(this);
    return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, fdatasync'), { code: 'ENOSPC' }));
  });
  return disk;
}
