// JSON logs (pino). Anything that looks like a secret is redacted, so tokens never reach a log line.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const secretPaths = [
  'token', '*.token', 'secret', '*.secret', 'password', '*.password', 'authorization', '*.authorization',
  'headers.authorization', 'req.headers.authorization', 'req.headers["x-telegram-bot-api-secret-token"]',
  'config.TELEGRAM_BOT_TOKEN', 'config.TELEGRAM_WEBHOOK_SECRET', 'config.ADMIN_TOKEN', 'config.DATABASE_URL',
  'config.WHATSAPP_TOKEN', 'config.WHATSAPP_APP_SECRET', 'config.WHATSAPP_VERIFY_TOKEN',
  'config.MESSENGER_PAGE_TOKEN', 'config.MESSENGER_APP_SECRET', 'config.MESSENGER_VERIFY_TOKEN',
  'config.MICROSOFT_APP_PASSWORD',
];

/**
 * The process logger.
 *
 *     const log = createLogger({ level: 'info' });
 *     log.info({ conversation: 42 }, 'conversation opened');
 */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', redact: { paths: secretPaths, censor: '[redacted]' }, base: undefined },
    options.destination as DestinationStream | undefined,
  );
}
