// The chat page's own words (labels, buttons, statuses) in the visitor's language. The messages keep theirs: the
// bot writes in the contact's language, agents in their own. What the server refuses is said here when it tells
// what it is (its answer's `kind`); anything else is quoted as the server wrote it.

import { FILE_WORDS } from './file-words.js';

/** Each language's words; every language has every key English has (a test holds them to it). */
export const WORDS = {
  en: {
    dir: 'ltr',
    title: 'Chat with us',
    firstHint: 'Write your message below to start.',
    askName: 'What is your name?',
    nameNeeded: 'Write your name to start chatting.',
    start: 'Start chatting',
    save: 'Save',
    cancel: 'Cancel',
    rename: 'Change name',
    restart: 'New visitor',
    confirmRestart: 'Leave this chat? It will be closed, and answers to it will no longer reach you.',
    placeholder: 'Write a message…',
    send: 'Send',
    attach: 'Attach a file (or drop it on the chat)',
    attachShort: 'Attach a file',
    bot: 'Bot',
    agent: 'Agent',
    newConversation: 'New conversation',
    /** On the button under the messages while the visitor reads earlier ones and `count` more came. */
    newBelow: (count) => (count === 1 ? '1 new message' : `${count.toLocaleString('en')} new messages`),
    notTaken: 'Not taken as an answer',
    reconnecting: 'Reconnecting…',
    ended: 'This chat has ended. Give your name to start a new one.',
    unreachable: 'The chat cannot be reached; check the connection and try again.',
    couldNotStart: (reason) => `The chat could not start (${reason}).`,
    serverAnswered: (status) => `the server answered ${status}`,
    offline: 'Offline: your messages will be sent when the connection is back.',
    offlineRetrying: 'Offline; retrying…',
    notSent: (reason) => `Not sent: ${reason}`,
    tooLong: (length, max) => `Your message is ${length} characters long; the most is ${max}. Shorten it or send it in parts.`,
    sending: (name) => `Sending ${name}…`,
    fileNotSent: (name, reason) => `${name} was not sent: ${reason}`,
    file: 'file',
    ...FILE_WORDS.en,
    /** A file the chat takes no more of than `limit`. */
    tooLargeToSend: (limit) => `the file is larger than ${limit}, the largest this chat takes`,
    /** A text (a file's caption) longer than the chat takes (`max` characters). */
    textTooLong: (max) => `the text is longer than ${max} characters, the most this chat takes`,
    /** A request the chat does not take (`kind: badRequest`): this page's fault, not the visitor's. */
    badRequest: 'the chat did not take what this page sent; reload the page and try again',
    /** A file the server had no room to keep (`kind: diskFull`): nothing of it was kept; the visitor sends it again later. */
    diskFull: 'the server has no room to keep files right now; send it again later',
    /** Over the limit of messages in a short time; the page sends it again by itself `when` (inSeconds, inMinutes). */
    tooFast: (when) => `too many messages in a short time; sending it again ${when}`,
    /** Over the limit of new chats from one address. */
    tooManyStarts: (when) => `too many chats were started from this connection; try again ${when}`,
    unavailable: 'the chat is not available right now; try again in a moment',
    inSeconds: (seconds) => `in ${seconds.toLocaleString('en')} s`,
    inMinutes: (minutes) => `in ${minutes.toLocaleString('en')} min`,
    /** A reason said on its own (the status line while the page sends again), as a sentence. */
    alone: (reason) => asSentence(reason, 'en'),
    marks: { pending: 'sending', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'not sent' },
  },
  ar: {
    dir: 'rtl',
    title: 'تحدّث معنا',
    firstHint: 'اكتب رسالتك في الأسفل للبدء.',
    askName: 'ما اسمك؟',
    nameNeeded: 'اكتب اسمك لبدء المحادثة.',
    start: 'ابدأ المحادثة',
    save: 'حفظ',
    cancel: 'إلغاء',
    rename: 'تغيير الاسم',
    restart: 'زائر جديد',
    confirmRestart: 'هل تريد مغادرة هذه المحادثة؟ ستُغلق، ولن تصلك الردود عليها بعد الآن.',
    placeholder: 'اكتب رسالة…',
    send: 'إرسال',
    attach: 'إرفاق ملف (أو أفلته في المحادثة)',
    attachShort: 'إرفاق ملف',
    bot: 'المساعد الآلي',
    agent: 'موظف الدعم',
    newConversation: 'محادثة جديدة',
    newBelow: (count) => countedAr(count, ['رسالة جديدة', 'رسالتان جديدتان', 'رسائل جديدة', 'رسالة جديدة']),
    notTaken: 'لم يُحتسب إجابة',
    reconnecting: 'جارٍ إعادة الاتصال…',
    ended: 'انتهت هذه المحادثة. اكتب اسمك لبدء محادثة جديدة.',
    unreachable: 'تعذّر الوصول إلى المحادثة؛ تحقّق من الاتصال وحاول مرة أخرى.',
    couldNotStart: (reason) => `تعذّر بدء المحادثة (${reason}).`,
    serverAnswered: (status) => `ردّ الخادم بالرمز ${status}`,
    offline: 'لا يوجد اتصال: ستُرسل رسائلك عند عودة الاتصال.',
    offlineRetrying: 'لا يوجد اتصال؛ جارٍ إعادة المحاولة…',
    notSent: (reason) => `لم تُرسل: ${reason}`,
    tooLong: (length, max) => `رسالتك ${length} حرفًا، والحد الأقصى ${max}. اختصرها أو أرسلها على أجزاء.`,
    sending: (name) => `جارٍ إرسال ${name}…`,
    fileNotSent: (name, reason) => `لم يُرسل ${name}: ${reason}`,
    file: 'ملف',
    ...FILE_WORDS.ar,
    tooLargeToSend: (limit) => `الملف أكبر من ${limit}، وهو أقصى ما تقبله هذه الدردشة`,
    textTooLong: (max) => `النص أطول من ${max} حرف، وهو أقصى ما تقبله هذه الدردشة`,
    badRequest: 'لم تقبل الدردشة ما أرسلته هذه الصفحة؛ أعد تحميل الصفحة وحاول مرة أخرى',
    diskFull: 'لا توجد لدى الخادم مساحة لحفظ الملفات الآن؛ أرسله مرة أخرى لاحقًا',
    tooFast: (when) => `رسائل كثيرة في وقت قصير؛ ستُرسل مجددًا ${when}`,
    tooManyStarts: (when) => `بدأت محادثات كثيرة من هذا الاتصال؛ حاول مرة أخرى ${when}`,
    unavailable: 'الدردشة غير متاحة الآن؛ حاول مرة أخرى بعد قليل',
    inSeconds: (seconds) => `بعد ${countedAr(seconds, ['ثانية', 'ثانيتين', 'ثوانٍ', 'ثانية'])}`,
    inMinutes: (minutes) => `بعد ${countedAr(minutes, ['دقيقة', 'دقيقتين', 'دقائق', 'دقيقة'])}`,
    alone: (reason) => asSentence(reason, 'ar'),
    marks: { pending: 'جارٍ الإرسال', sent: 'أُرسلت', delivered: 'وصلت', read: 'قُرئت', failed: 'لم تُرسل' },
  },
};

/**
 * A reason (what follows "Not sent:" or "The chat could not start") as a sentence of its own: a capital to start it,
 * where the language writes them, and a full stop to end it, unless it ends in one already.
 *
 *     asSentence('the chat is not available right now; try again in a moment', 'en'); // 'The chat is … in a moment.'
 */
function asSentence(reason, language) {
  const started = `${reason.charAt(0).toLocaleUpperCase(language)}${reason.slice(1)}`;
  return /[.!?…؟]$/.test(started) ? started : `${started}.`;
}

/**
 * A count of a unit as Arabic says it, the noun agreeing with the number: one (the noun alone), two (its dual), three
 * to ten (its plural), eleven and up (its singular): `countedAr(5, …)` is "5 ثوانٍ", `countedAr(20, …)` "20 ثانية".
 */
function countedAr(count, [one, two, few, many]) {
  if (count === 1) return one;
  if (count === 2) return two;
  const rest = count % 100;
  return `${count} ${rest >= 3 && rest <= 10 ? few : many}`;
}

/**
 * The language of the page's words: the one asked for (the link's `?lang=`, or the embed snippet's `data-lang`),
 * else the browser's first language there are words for, else English. Tags are matched on their primary
 * language (`ar-EG` → `ar`).
 *
 *     pickLanguage(null, ['fr-FR', 'ar-EG', 'en']) // 'ar'
 */
export function pickLanguage(asked, browser = []) {
  for (const tag of [asked, ...browser]) {
    const known = knownLanguage(tag);
    if (known !== undefined) return known;
  }
  return 'en';
}

/**
 * The page's language when the link asks for one it has (`?lang=ar`, an embed's `data-lang`): the business chose it
 * for its visitors, so the bot speaks it too. Undefined otherwise (the browser's language says less: many write
 * Arabic from a phone set to English, and the bot then goes by their words).
 *
 *     askedLanguage('ar-EG'); // 'ar'
 *     askedLanguage(null);    // undefined
 */
export function askedLanguage(asked) {
  return knownLanguage(asked);
}

function knownLanguage(tag) {
  const primary = String(tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return primary && Object.hasOwn(WORDS, primary) ? primary : undefined;
}

/**
 * The locales times are written in: the browser's own when it is in the page's language (`ar-EG`'s clock), else
 * the page's language (an Arabic page in an English browser reads "09:34 ص", not "09:34 AM").
 *
 *     pageLocales() // ['en-GB'] on an English page in a British browser; ['ar'] on an Arabic page in that browser
 */
export function pageLocales(page = document.documentElement.lang, browser = navigator.languages ?? []) {
  if (!page) return [...browser];
  const own = browser.filter((tag) => tag.toLowerCase().split(/[-_]/)[0] === page);
  return own.length > 0 ? own : [page];
}
