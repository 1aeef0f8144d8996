// The types of words.js (a browser script, served as it is), for the tests that import it.

export interface PageWords {
  dir: 'ltr' | 'rtl';
  /** The title while WEBCHAT_TITLE (or the snippet's data-title) is the shipped "Chat with us". */
  title: string;
  /** Shown in the empty chat before the first message. */
  firstHint: string;
  askName: string;
  /** Under the name box when Start is pressed with no name in it (spaces alone are none). */
  nameNeeded: string;
  start: string;
  save: string;
  /** Back to the chat from Change name, the name unchanged. */
  cancel: string;
  rename: string;
  restart: string;
  /** Asked before New visitor leaves a chat where something was said. */
  confirmRestart: string;
  placeholder: string;
  send: string;
  attach: string;
  attachShort: string;
  bot: string;
  agent: string;
  newConversation: string;
  /** The button under the messages while the visitor reads earlier ones and `count` new ones came: it takes them down. */
  newBelow: (count: number) => string;
  notTaken: string;
  reconnecting: string;
  ended: string;
  unreachable: string;
  couldNotStart: (reason: string) => string;
  serverAnswered: (status: number | string) => string;
  offline: string;
  offlineRetrying: string;
  notSent: (reason: string) => string;
  /** Under the message box while its text is longer than a message may be (both numbers already written out). */
  tooLong: (length: string, max: string) => string;
  sending: (name: string) => string;
  fileNotSent: (name: string, reason: string) => string;
  file: string;
  refusedFile: (label: string, reason: string) => string;
  /** A file without a name refused, by its kind (`kinds`): "The video could not be kept: …". */
  refusedUnnamed: (kind: string, reason: string) => string;
  /** Why a file was not kept, when known (`limit`: the size it was over, written out in `units`). */
  refusedTooLarge: (limit: string) => string;
  refusedType: string;
  refusedEmpty: string;
  refusedNotFetched: string;
  /** The server's own reason, when nothing better is known (quoted on an Arabic page). */
  theirWords: (reason: string) => string;
  /** An upload over the chat's size limit (`limit` written out in `units`). */
  tooLargeToSend: (limit: string) => string;
  /** A text longer than the chat takes (`max` characters, written out). */
  textTooLong: (max: string) => string;
  /** A request the chat does not take (`kind: badRequest`): the page's fault, not the visitor's. */
  badRequest: string;
  /** A file the server had no room to keep (`kind: diskFull`, 507): nothing of it kept; send it again later. */
  diskFull: string;
  /** Over the limit of messages in a short time; sent again `when` (inSeconds, inMinutes). */
  tooFast: (when: string) => string;
  /** Over the limit of new chats from one address; try again `when`. */
  tooManyStarts: (when: string) => string;
  /** The chat not taking messages now (starting, shutting down). */
  unavailable: string;
  inSeconds: (seconds: number) => string;
  inMinutes: (minutes: number) => string;
  /** A reason (tooFast, unavailable…) shown alone, as a sentence: a capital where the language has them, a full stop. */
  alone: (reason: string) => string;
  units: Record<'MB' | 'KB' | 'bytes', string>;
  /** A file without a name, as the page names it. */
  kinds: Record<'image' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contact', string>;
  marks: Record<'pending' | 'sent' | 'delivered' | 'read' | 'failed', string>;
}

export const WORDS: Readonly<Record<'en' | 'ar', PageWords>>;

export function pickLanguage(asked: string | null | undefined, browser?: readonly string[]): 'en' | 'ar';
/** The page's language when the link asks for one it has (`?lang=ar`); undefined when it asks for none. */
export function askedLanguage(asked: string | null | undefined): 'en' | 'ar' | undefined;
/** The locales times are written in: the browser's own in the page's language, else the page's language. */
export function pageLocales(page?: string, browser?: readonly string[]): string[];
