// Configuration from the environment, validated at start-up: a bad value stops the start and names the variable.
import { z } from 'zod';
import { parseDuration } from '../shared/duration.ts';
import { editDistance, suggest } from '../shared/suggest.ts';
import { whatsappNumber } from '../channels/whatsapp/address.ts';
import { parseRate, type Rate } from '../channels/webchat/limits.ts';
import { COLOR_PATTERN } from '../channels/webchat/pages.ts';

const optionalText = z.string().trim().min(1).optional();
const url = z.string().url('must be a URL such as https://example.com');


const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a duration such as 30m, 24h or 7d' });
    return z.NEVER;
  }
  return ms;
});

/** A duration, or `off` (or `0`) for never: 0. */
const durationOrOff = z.string().transform((text, ctx) => {
  const ms = text.trim().toLowerCase() === 'off' ? 0 : parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a duration such as 30m, 24h or 7d, or off' });
    return z.NEVER;
  }
  return ms;
});

/** `20/10s,60/10s`: a list of rates (count per span), exactly `names.length` of them. */
const rates = (names: readonly string[], example: string) => z.string().transform((text, ctx) => {
  const parts = text.split(',').map((part) => parseRate(part));
  if (parts.length !== names.length || parts.some((part) => part === undefined)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be ${names.join(', then ')}, as count/span, like ${example}` });
    return z.NEVER;
  }
  return parts as Rate[];
});

/** `5,50`: a list of whole numbers above 0, exactly `names.length` of them. */
const counts = (names: readonly string[], example: string) => z.string().transform((text, ctx) => {
  const parts = text.split(',').map((part) => (/^\s*\d{1,6}\s*$/.test(part) ? Number(part) : 0));
  if (parts.length !== names.length || parts.some((part) => part <= 0)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be ${names.join(', then ')}, like ${example}` });
    return z.NEVER;
  }
  return parts;
});

/** `https://shop.example, https://www.shop.example`: origins, as a browser writes them (no path). */
const origins = z.string().transform((text, ctx) => {
  const list = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  for (const origin of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${origin}" is not an origin: write scheme, host and port only, like https://shop.example or http://localhost:8080` });
      return z.NEVER;
    }
  }
  return list.map((origin) => origin.replace(/\/$/, ''));
});

const schema = z.object({
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  STORE: z.enum(['lowdb', 'postgres'], { message: 'must be lowdb or postgres' }).default('lowdb'),
  DATABASE_URL: optionalText,
  DATABASE_POOL_SIZE: z.coerce.number({ message: 'must be a number of connections such as 10' }).int('must be a whole number').positive('must be more than 0').optional(),
  // Wrong Bearer tokens are answered at full speed (only sign-ins are limited): a short one could be guessed.
  ADMIN_TOKEN: z.string().trim().min(16, 'must be at least 16 characters, so it cannot be guessed (a long random value: openssl rand -hex 24)').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AUTO_CLOSE_AFTER: duration.default('24h'),
  BOT_IDLE_CLOSE_AFTER: durationOrOff.default('24h'),
  CONSOLE_AWAY_AFTER: durationOrOff.default('2m'),
  AWAY_REQUEUE_AFTER: durationOrOff.default('10m'),
  UNANSWERED_REMIND_AFTER: durationOrOff.default('30m'),
  UNANSWERED_PASS_ON_AFTER: durationOrOff.default('2h'),
  SWEEP_EVERY: duration.default('30s'),
  // How long one call to a channel's API may hang before it counts as failed (the outbox sends it again). Unset: each
  // channel's own, 30 s (Telegram's: the long poll's 30 s wait plus 15 s).
  API_TIMEOUT: duration.pipe(z.number().min(1_000, 'must be at least 1s').max(600_000, 'must be at most 10m')).optional(),
  CONTACT_RATE_LIMIT: z
    .string()
    .trim()
    .transform((text, ctx) => {
      const match = /^(\d+)\s*\/\s*(.+)$/.exec(text);
      const perMs = match ? parseDuration(match[2] as string) : undefined;
      const capacity = match ? Number(match[1]) : 0;
      if (!match || perMs === undefined || perMs <= 0 || capacity < 1) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be messages per duration, like 30/1m' });
        return z.NEVER;
      }
      return { capacity, perMs };
    })
    .default('30/1m'),
  STORE_COMPACT_AFTER_KB: z.coerce.number({ message: 'must be a number of kilobytes such as 16384' }).int('must be a whole number').positive('must be more than 0').default(16_384),
  MAX_ATTACHMENT_MB: z.coerce.number({ message: 'must be a number of megabytes such as 20' }).positive('must be more than 0').max(2048, 'must be at most 2048').default(20),
  WEBCHAT_OPEN_SESSIONS: z.enum(['0', '1'], { message: 'must be 1 (open sessions, development only) or 0 (off)' }).default('0'),
  WEBCHAT_RATE_LIMIT: rates(['messages per session', 'messages per IP address'], '20/10s,60/10s').default('20/10s,60/10s'),
  WEBCHAT_SESSION_LIMIT: rates(['new sessions per IP address'], '20/1h').default('20/1h'),
  WEBCHAT_STREAM_LIMIT: counts(['event streams open per session', 'per IP address'], '5,50').default('5,50'),
  WEBCHAT_EMBED_ORIGINS: origins.default(''),
  WEBCHAT_TITLE: z.string().trim().min(1).max(80, 'must be at most 80 characters').default('Chat with us'),
  WEBCHAT_COLOR: z.string().trim().regex(COLOR_PATTERN, 'must be a colour like #0a7 or #1f4fd1').default('#1f4fd1'),
  TELEGRAM_BOT_TOKEN: optionalText,
  // A trailing slash (an address copied from a browser) is dropped: grammY refuses it with a stack trace naming its
  // own `apiRoot` option, not this variable.
  TELEGRAM_API_ROOT: url.default('https://api.telegram.org').transform((root) => root.replace(/\/+$/, '')),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and - (what Telegram accepts as secret_token)').optional(),
  PUBLIC_URL: url.optional(),
  WHATSAPP_WEB: z.enum(['0', '1'], { message: 'must be 1 (on) or 0 (off)' }).default('0'),
  CHROMIUM_PATH: optionalText,
  WHATSAPP_CATCH_UP_WITHIN: durationOrOff.default('24h'),
  WHATSAPP_PAIRING_NUMBER: z
    .string()
    .trim()
    .transform((text, ctx) => {
      const number = whatsappNumber(text);
      if (number === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be the WhatsApp number to link, with its country code, like +15550001234' });
        return z.NEVER;
      }
      return number;
    })
    .optional(),
  WHATSAPP_TOKEN: optionalText,
  WHATSAPP_PHONE_NUMBER_ID: optionalText,
  WHATSAPP_APP_SECRET: optionalText,
  WHATSAPP_VERIFY_TOKEN: optionalText,
  WHATSAPP_API_VERSION: z.string().trim().regex(/^v\d{1,3}\.\d{1,3}$/, 'must be a Graph API version such as v21.0').default('v21.0'),
  WHATSAPP_TEMPLATES: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]+(:[A-Za-z_]+)?(\s*,\s*[a-z0-9_]+(:[A-Za-z_]+)?)*$/, 'must list approved template names with their language, like order_update:en_US,card_notice:en')
    .transform((text) => text.split(',').map((item) => {
      const [name = '', language] = item.trim().split(':');
      return language ? { name, language } : { name };
    }))
    .optional(),
  WHATSAPP_NOTICE_TEMPLATE: z.string().trim().regex(/^[a-z0-9_]+$/, 'must be the name of an approved template, like card_notice').optional(),
  WHATSAPP_REENGAGE_TEMPLATE: z.string().trim().regex(/^[a-z0-9_]+$/, 'must be the name of an approved template, like reply_waiting').optional(),
  MESSENGER_PAGE_TOKEN: optionalText,
  MESSENGER_APP_SECRET: optionalText,
  MESSENGER_VERIFY_TOKEN: optionalText,
  MESSENGER_API_VERSION: z.string().trim().regex(/^v\d{1,3}\.\d{1,3}$/, 'must be a Graph API version such as v21.0').default('v21.0'),
  MESSENGER_HUMAN_AGENT_TAG: z.enum(['on', 'off'], { message: 'must be on (agents\' replies after 24 hours go tagged HUMAN_AGENT, which needs Meta\'s App Review) or off' }).default('on'),
  INSTAGRAM: z.enum(['0', '1'], { message: 'must be 1 (on) or 0 (off)' }).default('0'),
  GRAPH_API_ROOT: url.default('https://graph.facebook.com'),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TYPE: z
    .enum(['MultiTenant', 'SingleTenant'], { message: 'must be MultiTenant or SingleTenant (a managed identity, UserAssignedMSI, is not supported)' })
    .default('MultiTenant'),
  MICROSOFT_APP_TENANT_ID: optionalText,
  BOTFRAMEWORK_NO_AUTH: z.enum(['0', '1'], { message: 'must be 1 (authentication off, development only) or 0' }).default('0'),
  BOTFRAMEWORK_OPENID_METADATA_URL: url.optional(),
  BOTFRAMEWORK_LOGIN_URL: url.optional(),
  BOTFRAMEWORK_TRUSTED_USER_IDS: optionalText,
});

export type Config = z.infer<typeof schema>;

/** A configuration error a person reads: one line per bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The server could not listen with the configured PORT or HOST; `variable` names the one to change. */
export class ListenError extends ConfigError {
  override name = 'ListenError';

  constructor(message: string, readonly variable: 'PORT' | 'HOST', readonly code: string) {
    super(message);
  }
}

/**
 * Reads the configuration; empty variables count as unset.
 *
 *     const config = readConfig(process.env); // throws ConfigError naming each bad variable
 */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const shown = /TOKEN|SECRET|PASSWORD|DATABASE_URL/.test(name) ? '' : `=${JSON.stringify(env[name] ?? '')}`;
      return `${name}${shown}: ${issue.message}`;
    });
    throw new ConfigError(`Bad configuration:\n  ${lines.join('\n  ')}`);
  }
  const misspelt = misspeltSettings(Object.keys(present));
  if (misspelt.length > 0) throw new ConfigError(`Bad configuration:\n  ${misspelt.join('\n  ')}`);
  if (result.data.STORE === 'postgres' && !result.data.DATABASE_URL) {
    throw new ConfigError('Bad configuration:\n  STORE="postgres": set DATABASE_URL too, like postgresql://switchboard:secret@db.internal:5432/switchboard');
  }
  if (result.data.DATABASE_URL && !/^postgres(ql)?:\/\//.test(result.data.DATABASE_URL)) {
    throw new ConfigError('Bad configuration:\n  DATABASE_URL: must start with postgresql://, like postgresql://switchboard:secret@db.internal:5432/switchboard');
  }
  return result.data;
}

/**
 * Prefixes only Switchboard's settings use: a variable under one that is no setting is a typo (TELEGRAM_TOKEN), and the
 * channel it was meant for would stay off without a word.
 */
const OWN_PREFIXES = ['TELEGRAM_', 'WHATSAPP_', 'MESSENGER_', 'INSTAGRAM_', 'MICROSOFT_APP_', 'BOTFRAMEWORK_', 'WEBCHAT_'];

/**
 * Variables a container platform sets for each service it runs beside (Kubernetes' and Docker links'
 * `WEBCHAT_SERVICE_HOST`, `TELEGRAM_PORT_443_TCP_ADDR` for services named so): another program's, never a typo.
 */
const SERVICE_LINK = /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(ADDR|PORT|PROTO))?)?)$/;

/**
 * One line for each variable set that looks like a misspelt setting: under one of Switchboard's own prefixes, or a
 * typo of a setting's name (ADMIN_TOKN), when the setting it was probably meant for is not set; what was meant, and
 * the settings under that prefix. A variable that means no setting, or whose setting is set too, is another program's.
 *
 *     misspeltSettings(['TELEGRAM_TOKEN', 'PATH']); // ['TELEGRAM_TOKEN: not a Switchboard setting, so it does nothing; did you mean TELEGRAM_BOT_TOKEN? …']
 */
function misspeltSettings(names: string[]): string[] {
  const settings = Object.keys(schema.shape);
  return names.flatMap((name) => {
    if (settings.includes(name) || !/^[A-Z][A-Z0-9_]*$/.test(name) || SERVICE_LINK.test(name)) return [];
    const prefix = OWN_PREFIXES.find((own) => name.startsWith(own));
    // Short names (HOSTS, PORTS) may well be another program's: only longer ones are taken for typos.
    const near = prefix !== undefined || name.length >= 8 ? suggest(name, settings) : undefined;
    if (prefix === undefined && near === undefined) return [];
    const siblings = prefix === undefined ? [] : settings.filter((setting) => setting.startsWith(prefix));
    const meant = near ?? (prefix === undefined ? undefined : closestByWords(name, prefix, siblings));
    if (meant === undefined || names.includes(meant)) return [];
    return [`${name}: not a Switchboard setting, so it does nothing; did you mean ${meant}? Rename it, or unset it.` +
      `${siblings.length > 0 ? ` The settings starting ${prefix}: ${siblings.join(', ')}.` : ''}`];
  });
}

/**
 * The setting under `prefix` sharing the most words (between underscores, past the prefix) with `name`, the nearest of
 * those; undefined when none shares a word.
 *
 *     closestByWords('TELEGRAM_TOKEN', 'TELEGRAM_', ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_API_ROOT']); // 'TELEGRAM_BOT_TOKEN'
 */
function closestByWords(name: string, prefix: string, candidates: string[]): string | undefined {
  const wordsOf = (text: string) => text.slice(prefix.length).split('_');
  const words = new Set(wordsOf(name));
  const best = candidates
    .map((candidate) => ({ candidate, shared: wordsOf(candidate).filter((word) => words.has(word)).length, distance: editDistance(name, candidate) }))
    .sort((a, b) => b.shared - a.shared || wordsOf(a.candidate).length - wordsOf(b.candidate).length || a.distance - b.distance)[0];
  return best && best.shared > 0 ? best.candidate : undefined;
}
