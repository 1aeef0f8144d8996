// The words of a file in a message, shared by the web chat page (words.js) and the agent console (console-words.js),
// which show attachments alike (ui.js): why a file was not kept, its size's units, and what a file without a name is.

/** Each language's file words; both pages spread them into their own. */
export const FILE_WORDS = {
  en: {
    refusedFile: (label, reason) => `${label} could not be kept: ${reason}`,
    /** A file without a name, by its kind (`kinds`), the line starting with it as a sentence does. */
    refusedUnnamed: (kind, reason) => `The ${kind} could not be kept: ${reason}`,
    /** Why a file was not kept, when it is known (`limit`: the size it was over, in `units`). */
    refusedTooLarge: (limit) => `the file is larger than ${limit}`,
    refusedType: 'files of this type are not taken',
    refusedEmpty: 'the file is empty',
    refusedNotFetched: 'the file could not be downloaded',
    /** The server's or the channel's own reason, when nothing better is known. */
    theirWords: (reason) => reason,
    units: { MB: 'MB', KB: 'KB', bytes: 'bytes' },
    /** A file without a name, as the page names it (a file whose bytes were not kept). */
    kinds: { image: 'image', audio: 'audio', video: 'video', document: 'document', sticker: 'sticker', location: 'location', contact: 'contact card' },
  },
  ar: {
    // A file's name isolated, so that it keeps its place in the Arabic sentence; the server's own English reason too, quoted.
    refusedFile: (label, reason) => `تعذّر حفظ \u2068${label}\u2069: ${reason}`,
    refusedUnnamed: (kind, reason) => `تعذّر حفظ \u2068${kind}\u2069: ${reason}`,
    refusedTooLarge: (limit) => `الملف أكبر من ${limit}`,
    refusedType: 'هذا النوع من الملفات غير مقبول',
    refusedEmpty: 'الملف فارغ',
    refusedNotFetched: 'تعذّر تنزيل الملف',
    theirWords: (reason) => `«\u2068${reason}\u2069»`,
    units: { MB: 'ميغابايت', KB: 'كيلوبايت', bytes: 'بايت' },
    kinds: { image: 'صورة', audio: 'تسجيل صوتي', video: 'فيديو', document: 'مستند', sticker: 'ملصق', location: 'موقع', contact: 'بطاقة جهة اتصال' },
  },
};
