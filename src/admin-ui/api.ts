// The admin API as the dashboard calls it (contract: the dashboard issue). The session cookie that POST /api/login
// sets goes with every request; state-changing ones carry X-Requested-With, which the API asks of cookie requests
// so that another site cannot make the browser send them.

import { lang } from './i18n.ts';

// The server's own types for what its API answers: type-only, so nothing of the server reaches the bundle.
import type { KnownFileError } from '../shared/file-error.ts';
import type { KnownRefusal } from '../server/admin/context.ts';
import type { KnownFailure } from '../types.ts';
import type { Finding } from '../bot/nlp/check.ts';
import type { DataEvaluation } from '../bot/nlp/cross-validation.ts';
import type { Figures } from '../handover/reports.ts';
import type { ConversationSummary } from '../server/admin/summary.ts';
export type { Durations, Figures } from '../handover/reports.ts';

/** What the API answered when it was not 2xx: the status and its `{ error, errors? }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; errors?: ValidationError[]; currentVersion?: number | string | null; openConversations?: number; limit?: number; size?: number; kind?: string; maxBytes?: number },
    /** How many seconds the server asks to wait before asking again (its `Retry-After`), when it says. */
    readonly retryAfter?: number,
  ) {
    super(body.error ?? `the server answered ${status}`);
  }

  /** What the refusal is, when the server names its kind: the page says it in its own words. */
  get known(): KnownRefusal | undefined {
    return typeof this.body.kind === 'string' ? (this.body as KnownRefusal) : undefined;
  }
}

export interface ValidationError {
  line: number;
  column: number;
  message: string;
  /** What the error is, when the server names its kind: the page says it in its own words. */
  known?: KnownFileError;
  /** A warning does not stop publishing (the validate answer's `warnings`); without it, an error. */
  severity?: 'warning';
}

const NAME_KEY = 'switchboard.admin.name';

/** The name this admin gave at sign-in (kept in the browser): the API records it as the author of what they publish. */
export function adminName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setAdminName(name: string): void {
  try {
    if (name.trim()) localStorage.setItem(NAME_KEY, name.trim().slice(0, 60));
    else localStorage.removeItem(NAME_KEY);
  } catch {
    // Without storage, the API records "admin".
  }
}

/** How far the server's clock is ahead of this browser's (ms), as its last answer said (`X-Server-Time`). */
let clockOffset = 0;

/**
 * Now on the server's clock (ms): what waiting times count from, so a browser whose clock is off still shows how long
 * a customer has really waited, never a negative wait.
 *
 *     const waitedMs = serverNow() - Date.parse(conversation.queuedAt);
 */
export function serverNow(): number {
  return Date.now() + clockOffset;
}

/** Keeps the server's clock as an answer gave it, taken at the middle of the request (`sent` and now, ms). */
function keepServerTime(res: Response, sent: number): void {
  const server = Number(res.headers.get('x-server-time') ?? Number.NaN);
  if (Number.isFinite(server) && server > 0) clockOffset = server - (sent + Date.now()) / 2;
}

/** Called on a 401, so the dashboard can show the login form. */
let onUnauthorized: () => void = () => undefined;
/**
 * How many times the admin signed in on this page. A 401 to a call made before the latest sign-in (a check the
 * editor started under the sign-in form, answered late) says nothing about the sign-in now: it shows no form again.
 */
let signIns = 0;
export function whenUnauthorized(listener: () => void): void {
  onUnauthorized = listener;
}

/**
 * Calls the API; resolves with the JSON body (undefined for 204), rejects with an ApiError.
 *
 *     const { flows } = await api<{ flows: FlowSummary[] }>('GET', '/api/flows');
 */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  // The server words its answers (an action's result, a refusal) in the language the dashboard is in.
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': lang() };
  if (method !== 'GET') {
    headers['x-requested-with'] = 'switchboard';
    const author = adminName();
    // Percent-encoded: a header carries Latin-1 only, and fetch refuses an Arabic or emoji name outright.
    if (author) headers['x-admin-name'] = encodeURIComponent(author);
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  const sent = Date.now();
  const signedInAs = signIns;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, { error: 'network' });
  }
  keepServerTime(res, sent);
  if (res.ok && path === '/api/login') signIns += 1;
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { error: text.slice(0, 200) };
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/login' && signedInAs === signIns) onUnauthorized();
    const wait = Number(res.headers.get('retry-after') ?? Number.NaN);
    throw new ApiError(res.status, json as ApiError['body'], Number.isFinite(wait) && wait >= 0 ? wait : undefined);
  }
  return json as T;
}

/** The admin's time zone (`Asia/Riyadh`): the days the reports count, the times a refusal says; none when the browser does not say. */
export const timeZone = (): string | undefined => Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;

/** A query string from the values that are set. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface FlowSummary {
  name: string;
  /** Null for a flow whose file is gone (`removed`) while customers still finish on it. */
  version: number | string | null;
  updatedAt?: string;
  updatedBy?: string;
  status: 'ok' | 'error' | 'removed';
  /** Why the file is refused, as the log says it (`file:line:column: reason`). */
  error?: string;
  /** The same at its line and column, which the page says in its own words. */
  problem?: ValidationError;
  /** While the file is refused: the version still in service, if any is. */
  serving?: string;
  openConversations: number;
  /** Of those, the ones that began on the version in service (none on a removed flow's row). */
  onThisVersion?: number;
  /** Of those, the ones still running a version other than the one in service, which they finish on. */
  onEarlierVersions?: number;
}

export interface FlowVersion {
  version: number | string;
  publishedAt: string;
  publishedBy: string;
  current: boolean;
}

export type { ConversationSummary };

export interface Attachment {
  kind: string;
  name?: string;
  mime?: string;
  url?: string;
}

/** A style on words of a text (`offset`, `length` in UTF-16 units), as its writer gave it. */
export interface TextStyle {
  style: string;
  offset: number;
  length: number;
}

export interface TranscriptMessage {
  id: number | string;
  /** The writer's styles on `text` (an agent's bold, a flow's `*Thanks*`). */
  styles?: TextStyle[];
  direction: 'in' | 'out' | string;
  from: string;
  agentId?: string;
  agentName?: string;
  /** Who wrote a note: the admin's name, or the agent's. */
  author?: string;
  /**
   * Of a message to the customer: written by someone at the business in its own app (the WhatsApp Business app on its
   * phone, the Page's inbox), not through Switchboard: no agent of team.yaml wrote it.
   */
  inApp?: true;
  /**
   * What it said; for a kind nothing here can show (`unsupported`: the channel's name of it), a reaction, a customer's
   * edit or deletion (`event`), a line saying so in the page's language.
   */
  text: string;
  unsupported?: string;
  event?: 'reaction' | 'edit' | 'deletion';
  /** The customer's press of a button of an earlier question: it answered nothing, and the bot told them so. */
  late?: true;
  /**
   * The customer's words the bot read, or could have read, for their need (not an email address given to the question
   * that asked for it, a greeting, a button): Teach its intent is offered under it.
   */
  teach?: true;
  at: string;
  status?: string;
  delivery?: string;
  /** Why it failed, as the channel said it (English). */
  error?: string;
  /** What the failure is known to mean, when the channel could tell: the page says it in its own words. */
  failure?: KnownFailure;
  /** A failed reply that was sent again: its copy is below it, and it is not offered again. */
  sentAgain?: true;
  /** Why Send again is not offered under this failed reply (nothing would reach the customer, its writer let the conversation go), in each language. */
  notAgain?: { en: string; ar: string };
  attachments?: Attachment[];
}

export interface Contact {
  id: string;
  name?: string;
  identities: { channel: string; id: string }[];
  fields: Record<string, unknown>;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  conversations: number;
}

export interface Transcript {
  conversation: ConversationSummary & {
    fields?: Record<string, unknown>;
    /** The contact's and the conversation's fields as an agent reads them: labelled in the dashboard's language, none twice. */
    shown?: { key: string; label?: string; value: string | number | boolean }[];
    /** What it is about: the title of the route that set its intent, in the dashboard's language (absent when no route titles it). */
    topic?: string;
    /** The flow it runs on: its name, or its name, version and step. */
    flow?: string | { name: string; version?: string; step?: number | string; done?: boolean };
    /** Why Hand back would be refused (its flow ended where it handed the conversation over, no flow to go on with), in each language. */
    noHandBack?: { en: string; ar: string };
    closingNote?: string;
    /** The styles the agent gave a shared closing note, on its words. */
    closingNoteStyles?: TextStyle[];
    firstResponseAt?: string;
  };
  /** Null when the contact record is gone. */
  contact: Contact | null;
  messages: TranscriptMessage[];
  events: TimelineEvent[];
}

/** A moment of a conversation's life; `detail` is the server's English, the other fields the same taken apart. */
export interface TimelineEvent {
  at: string;
  type: string;
  detail?: unknown;
  by?: { kind: 'customer' | 'agent' | 'admin' | 'bot' | 'inactivity' | 'workflow'; name?: string };
  to?: string;
  team?: string;
  agent?: string;
  intent?: string;
  /** The title of the route that sets `intent`, in the dashboard's language, when a route titles it. */
  topic?: string;
  /** Whose it was (a name), when nobody moved it: its customer waited too long (`because`) for that agent. */
  from?: string;
  because?: 'unanswered' | 'away' | 'unreachable';
}

export interface Agent {
  id: string;
  name: string;
  teams: string[];
  status: 'online' | 'away' | 'offline';
  open: number;
  maxOpen: number;
  /** When the agent took their present status (online, away, offline); absent for one who never changed it. */
  statusSince?: string;
  /**
   * Of an away agent, who set them away: `noConsole`, Switchboard, because no console of theirs was connected for
   * `awayAfterMs` (CONSOLE_AWAY_AFTER); `agent`, they did themselves (Away pressed, /away typed).
   */
  awayBecause?: 'noConsole' | 'agent';
  awayAfterMs?: number;
  /** Their addresses nothing reaches any more (they blocked the bot…), why and since when: they were set offline. */
  unreachable?: { channel: string; failure: 'blocked' | 'noChat' | 'cannotReceive' | 'unavailable' | 'writeFirst'; since: string }[];
}

export interface NlpOverview {
  /** The examples of the training files that read well (a refused file's are in `refused.unlisted`). */
  intents: { name: string; team?: string; examples: string[]; languages: string[] }[];
  eval?: NlpEval;
  /** Why the data as it is has no eval figures, e.g. `cross-validation needs at least two intents`. */
  evalSkipped?: string;
  /** The figures of the model in service could not be computed (the log says why); Retrain tries again. */
  evalFailed?: boolean;
  /**
   * A model of the data as it is now is being trained (`under way`), or its training failed (`failed`, the bot's log
   * says why); `eval` is then the figures of the model in service, trained on older data.
   */
  training?: 'under way' | 'failed';
  /** What `npm run nlp -- check` finds in the training data, each of a kind the page words in its own language. */
  findings: Finding[];
  /** What kept the training data from being read or checked, as it came (English). */
  warnings: string[];
  /**
   * While the training data is refused: why (`file:line:column: reason`), the files whose examples cannot be listed,
   * and whether the model trained before keeps serving (`previous`) or none does (`none`).
   */
  refused?: { errors: string[]; problems: (ValidationError & { file: string })[]; unlisted: string[]; model: 'previous' | 'none' };
}

/** Cross-validation of the training data, computed after each training (shares from 0 to 1). */
export type NlpEval = DataEvaluation & { at: string; dataHash: string };

export interface NlpNeed {
  text: string;
  intent: string;
  team: string;
  confidence: number;
}

export interface NlpTry {
  intent?: string;
  confidence: number;
  /**
   * Two needs its flows route to two teams: the bot routes the first and keeps the other for the agent (Also asked),
   * with any third need and on for yet another team (`further`, in order, on the same Also asked line of the card).
   */
  twoNeeds?: { first: NlpNeed; also: NlpNeed; further?: NlpNeed[] };
  nearest: { intent: string; text: string; score: number }[];
}


export interface Report {
  total: Figures;
  teams: Record<string, Figures>;
  /** By agent id. */
  agents?: Record<string, Figures & { name: string }>;
  queue: Record<string, { waiting: number; longestWaitSeconds: number }>;
  series?: {
    days: string[];
    conversationsByTeam: Record<string, number[]>;
    firstResponseSeconds: (number | null)[];
    resolutionSeconds: (number | null)[];
    intents: Record<string, number[]>;
    /** The titles of the intents' routes in the page's language, where a route titles them. */
    intentTitles?: Record<string, string>;
    /** The team each intent's route hands to (a flow in service's `classify` routes). */
    intentTeams?: Record<string, string>;
  };
}
