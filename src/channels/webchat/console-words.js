// The agent console's own words (console.html, console.js) in English and Arabic. As in the dashboard, the agent's
// choice is kept in this browser (localStorage) and sets the page's lang and dir, so Arabic reads right to left;
// without a choice, the browser's language decides. What customers and colleagues wrote stays as written; the server
// words its answers (an action's result, a refusal) in the page's language, which console.js sends as Accept-Language.

import { FAILURE_WORDS } from './failure-words.js';
import { FILE_WORDS } from './file-words.js';
import { WORDS } from './words.js';

/** Each language's words; every language has every key English has (a test holds them to it). */
export const CONSOLE_WORDS = {
  en: {
    dir: 'ltr',
    otherLanguage: 'العربية',
    language: 'Language',
    consoleTitle: 'Switchboard agent console',
    tokenLabel: 'Your sign-in token (webchat_token in team.yaml)',
    signIn: 'Sign in',
    badToken: 'No agent signs in with this token.',
    /** Why a sign-in was refused, by the answer's `kind`: over the attempts allowed (`when`: inSeconds, inMinutes), */
    tooManyAttempts: (when) => `Too many attempts; try again ${when}.`,
    /** the server starting, stopping or out of its store (`unavailable`): the console tries again by itself (`when`: the countdown), */
    signInWaiting: (when) => `Switchboard cannot sign you in right now (it is starting, or cannot reach its store). Trying again by itself ${when}…`,
    /** not a token it takes (`badRequest`, `tooLarge`: empty, over 512 characters). */
    notAToken: 'This is not a sign-in token: paste your webchat_token from team.yaml as it is.',
    // The wait, as the web chat page says it.
    inSeconds: WORDS.en.inSeconds,
    inMinutes: WORDS.en.inMinutes,
    online: 'Online',
    away: 'Away',
    signOut: 'Sign out',
    statuses: { online: 'online', away: 'away', offline: 'offline' },
    /** What separates names in a list (the agent's teams). */
    listSeparator: ', ',
    yours: 'Yours',
    back: '← Conversations',
    claim: 'Claim',
    handBack: 'Hand back to the bot',
    closingNote: 'Closing note (optional)',
    tellCustomer: 'tell the customer',
    close: 'Close',
    transferTo: 'Transfer to',
    transferPrompt: 'Transfer to…',
    transfer: 'Transfer',
    teams: 'Teams',
    colleagues: 'Colleagues',
    internalNote: 'Internal note (agents only)',
    addNote: 'Add note',
    template: 'Template',
    templateParams: 'parameters, separated by |',
    sendTemplate: 'Send template',
    replyPlaceholder: 'Reply to the customer… (Shift+Enter: new line)',
    /** Under the reply box: replies and a closing note are read as WhatsApp's markup, as from an agent on WhatsApp. */
    replyHint: 'Styles as in WhatsApp, here, in a closing note and in a note: *bold* _italic_ ~strike~ `code`',
    send: 'Send',
    reply: 'Reply',
    replyingTo: (name) => `Replying to \u2068${name}\u2069`,
    /** Above the reply box: the message answered was edited by the customer, and the quote is what it says now. */
    replyingToEdited: (name) => `Replying to \u2068${name}\u2069's edited message`,
    cancelReply: 'Cancel reply',
    file: 'a file',
    pickConversation: 'Pick a conversation on the left.',
    customer: 'Customer',
    bot: 'Bot',
    agent: 'Agent',
    note: 'Note',
    noteBy: (name) => `Note by ${name}`,
    /**
     * Who wrote a message no agent wrote through Switchboard: a person at the business, in its own app (`whatsapp`: the
     * WhatsApp Business app on the business's phone; `other`: the Page's inbox); `inAppTitle`, under the pointer.
     */
    inApp: { whatsapp: 'From the business\'s phone', other: 'From the business\'s own app' },
    inAppTitle: 'Written by someone at the business in its own app, not in Switchboard: the customer read it as from the business.',
    /** A customer's message they deleted since: no Reply on it. */
    deleted: 'deleted by the customer',
    /** A customer's message they edited since: a Reply on it quotes what it says now. */
    edited: 'edited by the customer',
    /** A customer's press of a button of an earlier question: it answered nothing, and the bot told them so. */
    lateButton: 'a button of an earlier question: no answer',
    /** The message the agent was answering (Reply) was deleted by the customer: the reply goes as a plain one. */
    answeringDeleted: (name) => `\u2068${name}\u2069 deleted the message you were replying to: your reply will go as a plain message.`,
    noTeam: 'no team',
    notRouted: 'Not routed to a team',
    queue: (team, count) => `${team} queue (${count})`,
    nobodyWaiting: 'Nobody waiting.',
    noneYet: 'None yet: your teams\' new conversations come here.',
    noneOffline: 'None: go online, or claim one from a queue.',
    /** Said on opening the console of an agent set Away because none of theirs was open for `span` (CONSOLE_AWAY_AFTER: `2 minutes`). */
    awayNoConsole: (span) => `You were set away: no console of yours was open for ${span}, so new customers wait in the queue. Press Online to take them.`,
    signedOut: (reason) => `You were signed out (${reason}).`,
    signInAgain: 'sign in again',
    signedOutDone: 'Signed out.',
    /** Sign out refused (`why`: the server's refusal in these words): the sign-in stands, in this browser and its copies. */
    notSignedOut: (why) => `You are still signed in: ${why}`,
    serverAnswered: (status) => `The server answered ${status}.`,
    /**
     * What the server itself answers an action, a reply or a look, by its `kind`: Switchboard starting or out of its
     * store, with the wait it asks for (`when`: inSeconds, inMinutes); a failure; no such route (a page older than the server).
     */
    unavailable: (when) => `Switchboard cannot do this right now (it is starting, or cannot reach its store); nothing was done. Try again ${when}.`,
    /** The same for a reply, and for an action with what the agent wrote (a closing note, a note): it is kept in its box. */
    replyUnavailable: (when) => `Your reply was not sent: Switchboard cannot save anything right now (it is starting, or cannot reach its store). It is still in the box; send it again ${when}.`,
    keptUnavailable: (when) => `Switchboard cannot do this right now (it is starting, or cannot reach its store); nothing was done, and what you wrote is still in its box. Try again ${when}.`,
    /** The console's look refused for the same reason: it looks again by itself (`when`: the countdown). */
    unavailableWaiting: (when) => `Switchboard cannot reach its store right now (or is starting): nothing can be saved, and what you typed stays in its box. Looking again by itself ${when}…`,
    failed: 'The server failed to do this (its log says why). Try again.',
    noSuchRoute: 'The server does not know this request: reload the page (Switchboard may have been updated).',
    unreachable: 'Switchboard cannot be reached.',
    unreachableSignIn: 'Switchboard cannot be reached; check the connection.',
    unreachableRetry: 'Switchboard cannot be reached; try again.',
    unreachableReply: 'Switchboard cannot be reached; your reply is still in the box.',
    /**
     * Above the reply box, while a reply the server did not take waits there: the store out of reach, and when it may
     * go again (`when`: inSeconds, inMinutes, counted down); the wait over; Switchboard out of reach. `sendAgain`, its button.
     */
    unsentWaiting: (when) => `Not sent: Switchboard could not save your reply. It is in the box; you can send it again ${when}.`,
    unsentReady: 'Your reply is not sent yet; it is in the box. Send it again now.',
    unsentUnreachable: 'Not sent: Switchboard could not be reached. Your reply is in the box: send it again once the connection is back.',
    sendAgain: 'Send again',
    /**
     * In the list, before what waits in a conversation other than the open one: a reply typed and not sent; a reply on
     * its way to the server; a reply the server did not take, back in its box (its Send again there).
     */
    draft: 'Draft:',
    /** In the list, before the conversation's last message when an agent wrote it: this agent, or another. */
    lastByYou: 'You:',
    lastByAgent: 'Agent:',
    replySending: 'Sending:',
    replyNotSent: 'Not sent:',
    noLongerYours: (id) => `#${id} is no longer yours: it was closed or moved.`,
    notDelivered: (reason) => `not delivered: ${reason}`,
    /** Shown under a reply: it failed (`reason`, as `notDelivered`), or waits for its channel, tried again by itself. */
    didNotReach: (reason) => `Did not reach the customer: ${reason}`,
    sendAgain: 'Send again',
    notSentYet: (reason) => `Not sent yet: the channel said "${reason}". It is sent again by itself; this changes once it goes.`,
    /** Why a message did not reach the customer, when the channel could tell (the store's `failure`). */
    failures: FAILURE_WORDS.en,
    ...FILE_WORDS.en,
    tooLong: (length, max) => `Your reply is ${length} characters long; the most is ${max}. Shorten it or send it in parts.`,
    marks: { pending: 'sending', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'not sent', waiting: 'not sent yet' },
    // Channels that are products keep their own names (Telegram, WhatsApp); the web chat is said in words.
    channels: { webchat: 'Web chat', telegram: 'Telegram', 'whatsapp-cloud': 'WhatsApp', 'whatsapp-web': 'WhatsApp Web', messenger: 'Messenger', instagram: 'Instagram', botframework: 'Bot Framework', msteams: 'Teams' },
  },
  ar: {
    dir: 'rtl',
    otherLanguage: 'English',
    language: 'اللغة',
    consoleTitle: 'لوحة الموظف في Switchboard',
    // Latin names isolated (FSI … PDI), so that the brackets around them stay with the Arabic sentence.
    tokenLabel: 'رمز تسجيل دخولك (\u2068webchat_token\u2069 في \u2068team.yaml\u2069)',
    signIn: 'تسجيل الدخول',
    badToken: 'لا يفتح هذا الرمز حساب أي موظف.',
    tooManyAttempts: (when) => `محاولات كثيرة؛ أعد المحاولة ${when}.`,
    signInWaiting: (when) => `تعذّر تسجيل دخولك الآن (يجري تشغيل Switchboard، أو تعذّر عليه الوصول إلى مخزنه). ستُعاد المحاولة تلقائيًا ${when}…`,
    notAToken: 'هذا ليس رمز تسجيل دخول: الصق \u2068webchat_token\u2069 من \u2068team.yaml\u2069 كما هو.',
    inSeconds: WORDS.ar.inSeconds,
    inMinutes: WORDS.ar.inMinutes,
    online: 'متصل',
    away: 'غير متاح',
    signOut: 'تسجيل الخروج',
    statuses: { online: 'متصل', away: 'غير متاح', offline: 'غير متصل' },
    listSeparator: '، ',
    yours: 'محادثاتك',
    back: '→ المحادثات',
    claim: 'استلام',
    handBack: 'إعادتها إلى البوت',
    closingNote: 'ملاحظة الإغلاق (اختيارية)',
    tellCustomer: 'أبلغ العميل',
    close: 'إغلاق',
    transferTo: 'تحويل إلى',
    transferPrompt: 'تحويل إلى…',
    transfer: 'تحويل',
    teams: 'الفرق',
    colleagues: 'الزملاء',
    internalNote: 'ملاحظة داخلية (للموظفين فقط)',
    addNote: 'إضافة ملاحظة',
    template: 'القالب',
    templateParams: 'المعاملات، مفصولة بـ |',
    sendTemplate: 'إرسال القالب',
    replyPlaceholder: 'اكتب ردك على العميل… (Shift+Enter: سطر جديد)',
    replyHint: 'التنسيق كما في واتساب، هنا وفي ملاحظة الإغلاق وفي الملاحظات: *عريض* _مائل_ ~مشطوب~ `رمز`',
    send: 'إرسال',
    reply: 'رد',
    replyingTo: (name) => `ردًا على \u2068${name}\u2069`,
    replyingToEdited: (name) => `ردًا على رسالة \u2068${name}\u2069 المعدَّلة`,
    cancelReply: 'إلغاء الرد',
    file: 'ملف',
    pickConversation: 'اختر محادثة من القائمة على اليمين.',
    customer: 'العميل',
    bot: 'البوت',
    agent: 'الموظف',
    note: 'ملاحظة',
    noteBy: (name) => `ملاحظة من ${name}`,
    inApp: { whatsapp: 'من هاتف الشركة', other: 'من تطبيق الشركة' },
    inAppTitle: 'كتبها شخص في الشركة من تطبيقها، لا من Switchboard: قرأها العميل على أنها من الشركة.',
    deleted: 'حذفها العميل',
    edited: 'عدّلها العميل',
    lateButton: 'زر من سؤال سابق: ليس إجابة',
    answeringDeleted: (name) => `حذف \u2068${name}\u2069 الرسالة التي كنت تردّ عليها: سيُرسَل ردك ردًا عاديًا.`,
    noTeam: 'بلا فريق',
    notRouted: 'غير موجّهة إلى فريق',
    queue: (team, count) => `قائمة انتظار ${team} (${count})`,
    nobodyWaiting: 'لا أحد في الانتظار.',
    noneYet: 'لا شيء بعد: تصل إلى هنا المحادثات الجديدة لفرقك.',
    noneOffline: 'لا شيء: اتصل، أو استلم محادثة من قائمة انتظار.',
    awayNoConsole: (span) => `أصبحت حالتك «غير متاح»: مرّت ${span} دون أن تكون لوحتك مفتوحة، فينتظر العملاء الجدد في قائمة الانتظار. اضغط «متصل» لاستلامهم.`,
    signedOut: (reason) => `سُجّل خروجك (${reason}).`,
    signInAgain: 'سجّل الدخول مجددًا',
    signedOutDone: 'تم تسجيل الخروج.',
    notSignedOut: (why) => `ما زلت مسجّل الدخول: ${why}`,
    serverAnswered: (status) => `ردّ الخادم بالرمز ${status}.`,
    unavailable: (when) => `يتعذّر على Switchboard تنفيذ هذا الآن (يجري تشغيله، أو تعذّر عليه الوصول إلى مخزنه)؛ لم يُنفَّذ شيء. أعد المحاولة ${when}.`,
    replyUnavailable: (when) => `لم يُرسَل ردك: يتعذّر على Switchboard حفظ أي شيء الآن (يجري تشغيله، أو تعذّر عليه الوصول إلى مخزنه). ما زال ردك في المربع؛ أرسله مجددًا ${when}.`,
    keptUnavailable: (when) => `يتعذّر على Switchboard تنفيذ هذا الآن (يجري تشغيله، أو تعذّر عليه الوصول إلى مخزنه)؛ لم يُنفَّذ شيء، وما زال ما كتبته في مربعه. أعد المحاولة ${when}.`,
    unavailableWaiting: (when) => `يتعذّر على Switchboard الآن الوصول إلى مخزنه (أو يجري تشغيله): لا يمكن حفظ شيء، ويبقى ما كتبته في مربعه. ستُعاد المحاولة تلقائيًا ${when}…`,
    failed: 'تعذّر على الخادم تنفيذ هذا (يذكر سجلّه السبب). أعد المحاولة.',
    noSuchRoute: 'لا يعرف الخادم هذا الطلب: أعد تحميل الصفحة (ربما حُدِّث الخادم).',
    unreachable: 'تعذّر الوصول إلى Switchboard.',
    unreachableSignIn: 'تعذّر الوصول إلى Switchboard؛ تحقّق من الاتصال.',
    unreachableRetry: 'تعذّر الوصول إلى Switchboard؛ أعد المحاولة.',
    unreachableReply: 'تعذّر الوصول إلى Switchboard؛ ما زال ردك في المربع.',
    unsentWaiting: (when) => `لم يُرسَل: تعذّر على Switchboard حفظ ردك. ما زال في المربع؛ يمكنك إرساله مجددًا ${when}.`,
    unsentReady: 'لم يُرسَل ردك بعد، وهو في المربع. أرسله مجددًا الآن.',
    unsentUnreachable: 'لم يُرسَل: تعذّر الوصول إلى Switchboard. ما زال ردك في المربع: أرسله مجددًا حين يعود الاتصال.',
    sendAgain: 'أرسله مجددًا',
    draft: 'مسودة:',
    lastByYou: 'أنت:',
    lastByAgent: 'الموظف:',
    replySending: 'جارٍ الإرسال:',
    replyNotSent: 'لم يُرسَل:',
    noLongerYours: (id) => `لم تعد المحادثة #${id} لك: أُغلقت أو نُقلت.`,
    // A file's name isolated, so that it keeps its place in the Arabic sentence; the channel's or the server's own
    // (English) reason a message was not delivered or a file not kept, when nothing better is known, quoted besides.
    notDelivered: (reason) => `لم تُسلَّم: ${reason}`,
    didNotReach: (reason) => `لم تصل إلى العميل: ${reason}`,
    sendAgain: 'أعد الإرسال',
    notSentYet: (reason) => `لم تُرسل بعد: قالت القناة «\u2068${reason}\u2069». يُعاد إرسالها تلقائيًا، ويتغيّر هذا حين تُرسل.`,
    failures: FAILURE_WORDS.ar,
    ...FILE_WORDS.ar,
    tooLong: (length, max) => `ردك ${length} حرفًا، والحد الأقصى ${max}. اختصره أو أرسله على أجزاء.`,
    marks: { pending: 'جارٍ الإرسال', sent: 'أُرسلت', delivered: 'وصلت', read: 'قُرئت', failed: 'لم تُرسل', waiting: 'لم تُرسل بعد' },
    channels: { webchat: 'دردشة الموقع', telegram: 'Telegram', 'whatsapp-cloud': 'WhatsApp', 'whatsapp-web': 'WhatsApp Web', messenger: 'Messenger', instagram: 'Instagram', botframework: 'Bot Framework', msteams: 'Teams' },
  },
};

const STORAGE_KEY = 'switchboard.console.lang';

/**
 * The console's language: the one the agent chose in this browser, else Arabic for an Arabic browser, else English.
 *
 *     consoleLanguage(null, 'ar-EG') // 'ar'
 */
export function consoleLanguage(stored, browser = '') {
  if (stored === 'ar' || stored === 'en') return stored;
  return String(browser).toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

/** The language chosen in this browser, if any (storage may be off: private mode). */
export function storedLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Keeps the agent's choice in this browser; for this page only when storage is off. */
export function storeLanguage(language) {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Kept for this page only.
  }
}
