// Why a message did not reach the customer, when the channel could tell (a message's `failure`, the store keeps it
// beside the channel's own words): said alike by the agent console (console-words.js), the admin dashboard's
// transcript (src/admin-ui/i18n.ts) and the lines agents read in their messaging apps (src/handover/lines.ts).

/** Each language's words for each known failure (`KnownFailure` in src/types.ts). */
export const FAILURE_WORDS = {
  en: {
    blocked: 'the customer has blocked the bot',
    mayHaveBlocked: 'the customer\'s app kept refusing it with an unexpected error for several minutes, which can mean they blocked the business; if not, send it again later',
    noChat: 'the customer\'s chat is no longer there (their account may have been deleted)',
    cannotReceive: 'the customer\'s app cannot receive it; their number may not be on the app, or the app may need an update',
    unavailable: 'the customer is not available to the business right now; they may have turned off its messages or blocked it',
    fileTooLarge: 'the file is larger than the customer\'s app takes',
    fileType: 'the customer\'s app does not take this type of file',
    tooLong: 'the message is longer than the customer\'s app takes; send it in shorter parts',
    rateLimited: 'too many messages went out too fast, and the customer\'s app refused more for now; send it again in a few minutes',
    windowClosed: 'the customer last wrote more than 24 hours ago; only an approved template reaches them now',
    writeFirst: 'the customer\'s app takes no message from here until they write again',
  },
  ar: {
    blocked: 'حظر العميل البوت',
    mayHaveBlocked: 'ظلّ تطبيق العميل يرفضها بخطأ غير متوقع لعدة دقائق، وقد يعني ذلك أنه حظر الشركة؛ وإن لم يكن كذلك فأعد إرسالها لاحقًا',
    noChat: 'لم تعد دردشة العميل موجودة (ربما حُذف حسابه)',
    cannotReceive: 'لا يستطيع تطبيق العميل استلامها؛ ربما لا يستخدم رقمُه التطبيق، أو يحتاج تطبيقه إلى تحديث',
    unavailable: 'العميل غير متاح للشركة الآن؛ ربما أوقف رسائلها أو حظرها',
    fileTooLarge: 'الملف أكبر مما يقبله تطبيق العميل',
    fileType: 'لا يقبل تطبيق العميل هذا النوع من الملفات',
    tooLong: 'الرسالة أطول مما يقبله تطبيق العميل؛ أرسلها على أجزاء أقصر',
    rateLimited: 'أُرسلت رسائل كثيرة في وقت قصير فرفض تطبيق العميل المزيد مؤقتًا؛ أعد إرسالها بعد بضع دقائق',
    windowClosed: 'كتب العميل آخر مرة قبل أكثر من 24 ساعة؛ لا يصل إليه الآن إلا قالب رسالة معتمد',
    writeFirst: 'لا يقبل تطبيق العميل رسائل منّا حتى يكتب هو من جديد',
  },
};
