// The dashboard's words in English and Arabic. The admin's choice is kept in this browser (localStorage) and sets
// the page's lang and dir, so Arabic reads right to left. Customer text is never translated or touched.

const en = {
  appName: 'Switchboard',
  loading: 'Loading…',
  language: 'Language',
  otherLanguage: 'العربية',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signInTitle: 'Sign in to the admin dashboard',
  token: 'Admin token',
  tokenHelp: 'The ADMIN_TOKEN set in Switchboard’s environment.',
  yourName: 'Your name (optional)',
  yourNameHelp: 'Shown as the author of what you publish.',
  badToken: 'That token is not right.',
  tooManyAttempts: 'Too many attempts; wait a minute and try again.',
  apiOff: 'The admin API is off: set ADMIN_TOKEN in Switchboard’s environment and restart it.',
  networkError: 'The server cannot be reached. Check your connection and try again.',
  navQueue: 'Queue',
  navConversations: 'Conversations',
  navFlows: 'Flows',
  navContacts: 'Contacts',
  navTeam: 'Team',
  navReports: 'Reports',
  navWhatsapp: 'WhatsApp',
  menu: 'Menu',
  live: 'Live',
  offline: 'Reconnecting…',
  // queue
  queueTitle: 'Queue',
  waiting: 'Waiting',
  assigned: 'With an agent',
  noTeam: 'No team',
  nobodyWaiting: 'Nobody is waiting.',
  nobodyAssigned: 'No conversation is with an agent.',
  waitedFor: 'waiting {time}',
  heldBy: 'with {agent}',
  unnamed: 'Unnamed contact',
  // conversations
  conversationsTitle: 'Conversations',
  search: 'Search',
  searchConversations: 'Name, field or message text',
  status: 'Status',
  stage: 'Stage',
  team: 'Team',
  agent: 'Agent',
  channel: 'Channel',
  any: 'Any',
  open: 'Open',
  closed: 'Closed',
  stageBot: 'With the bot',
  stageQueued: 'Waiting',
  stageAssigned: 'With an agent',
  loadMore: 'Load more',
  noConversations: 'No conversation matches.',
  conversation: 'Conversation {id}',
  // transcript
  transcript: 'Transcript',
  events: 'Events',
  details: 'Details',
  fields: 'Fields',
  note: 'Internal note',
  addNote: 'Add note',
  notePlaceholder: 'Only the team sees this',
  close: 'Close',
  closeConversation: 'Close conversation',
  closingNote: 'Closing note',
  shareNote: 'Send the note to the customer',
  transfer: 'Transfer',
  transferTo: 'Transfer to',
  toTeam: 'Team',
  toAgent: 'Agent',
  handBack: 'Hand back to the bot',
  done: 'Done.',
  fromContact: 'Customer',
  fromBot: 'Bot',
  fromAgent: 'Agent',
  fromNote: 'Note',
  delivery: 'Delivery',
  failed: 'failed',
  attachment: 'Attachment',
  openedAt: 'Opened',
  closedAt: 'Closed',
  flow: 'Flow',
  intent: 'Intent',
  none: '—',
  evOpened: 'opened',
  evQueued: 'queued',
  evAssigned: 'assigned',
  evTransferred: 'transferred',
  evClosed: 'closed',
  evHandedBack: 'handed back to the bot',
  // flows
  flowsTitle: 'Flows',
  newFlow: 'New flow',
  flowName: 'Lowercase letters, digits, - and _',
  create: 'Create',
  badName: 'A name is lowercase letters, digits, - and _, starting with a letter or digit.',
  version: 'Version',
  updated: 'Updated',
  by: 'by',
  openConversations: 'Open conversations',
  statusOk: 'Running',
  statusError: 'Refused',
  edit: 'Edit',
  history: 'History',
  publish: 'Publish',
  publishing: 'Publishing…',
  published: 'Published version {version}.',
  validating: 'Checking…',
  valid: 'No problems found.',
  problems: '{count} problem(s)',
  lineCol: 'line {line}, column {column}',
  notPublished422: 'Not published: fix the problems below first. Nothing was changed.',
  conflict409: 'Someone published first: the flow is now at version {version}. Compare your text with theirs, then publish again.',
  compareTheirs: 'Compare with theirs',
  publishOverTheirs: 'Publish over theirs',
  loadTheirs: 'Discard mine, load theirs',
  unsaved: 'Unpublished changes',
  deleteFlow: 'Delete flow',
  confirmDelete: 'Delete the flow {name}? Its file is removed.',
  deleteRefused: 'Not deleted: {count} open conversation(s) still run on it.',
  versions: 'Versions',
  current: 'current',
  publishedBy: '{when} by {who}',
  diffWith: 'Version {old} (left) against the current version {current} (right)',
  diffDraft: 'Current version {current} (left) against your text (right)',
  rollBack: 'Roll back to version {version}',
  confirmRollBack: 'Publish version {version} again as the current version? Conversations in progress keep theirs.',
  rolledBack: 'Rolled back: version {version} is published.',
  pickVersion: 'Pick a version to compare it with the current one.',
  backToList: 'All flows',
  // contacts
  contactsTitle: 'Contacts',
  searchContacts: 'Name, phone, email…',
  noContacts: 'No contact matches.',
  name: 'Name',
  identities: 'Addresses',
  tags: 'Tags',
  conversations: 'Conversations',
  save: 'Save',
  saved: 'Saved.',
  addField: 'Add field',
  fieldKey: 'Field',
  fieldValue: 'Value',
  remove: 'Remove',
  erase: 'Erase contact',
  eraseWarning: 'Erase {name} and all their conversations, messages and files? This cannot be undone (a data-protection request).',
  eraseConfirm: 'Erase for good',
  cancel: 'Cancel',
  erased: 'Erased: {conversations} conversation(s), {messages} message(s), {files} file(s).',
  created: 'Created',
  // team
  teamTitle: 'Team',
  agents: 'Agents',
  online: 'Online',
  away: 'Away',
  offlineStatus: 'Offline',
  load: 'Open / max',
  lastSeen: 'Last seen',
  teams: 'Teams',
  teamFile: 'team.yaml',
  noAgents: 'No agents in team.yaml yet.',
  // reports
  reportsTitle: 'Reports',
  from: 'From',
  to: 'To',
  apply: 'Show',
  downloadCsv: 'Download CSV',
  opened: 'Opened',
  closedCount: 'Closed',
  assignedCount: 'Given to an agent',
  stillOpen: 'Still open',
  firstResponse: 'First response (median)',
  resolution: 'Resolution (median)',
  conversationsByTeam: 'Conversations by team',
  responseTimes: 'Median times (minutes)',
  intents: 'Intents',
  waitingNow: 'Waiting now',
  longestWait: 'longest {time}',
  noData: 'No data in this period.',
  // whatsapp
  whatsappTitle: 'Link WhatsApp',
  whatsappHelp: 'On the business phone: WhatsApp → Linked devices → Link a device, then scan the code.',
  whatsappTokenHelp: 'The QR page asks for the admin token again: type it to show the code here.',
  whatsappOpenPage: 'Open the QR page',
  whatsappLinked: 'WhatsApp is linked.',
  pairingCode: 'Pairing code: {code}',
  show: 'Show',
  // errors
  error: 'Something went wrong: {message}',
  notFound: 'Not found.',
  retry: 'Retry',
  seconds: '{n} s',
  minutes: '{n} min',
  hours: '{n} h {m} min',
  days: '{n} d {h} h',
};

export type StringKey = keyof typeof en;

const ar: Record<StringKey, string> = {
  appName: 'Switchboard',
  loading: 'جارٍ التحميل…',
  language: 'اللغة',
  otherLanguage: 'English',
  signIn: 'تسجيل الدخول',
  signOut: 'تسجيل الخروج',
  signInTitle: 'تسجيل الدخول إلى لوحة الإدارة',
  token: 'رمز المسؤول',
  tokenHelp: 'قيمة ADMIN_TOKEN المضبوطة في بيئة Switchboard.',
  yourName: 'اسمك (اختياري)',
  yourNameHelp: 'يظهر كاتبًا لما تنشره.',
  badToken: 'هذا الرمز غير صحيح.',
  tooManyAttempts: 'محاولات كثيرة؛ انتظر دقيقة ثم أعد المحاولة.',
  apiOff: 'واجهة الإدارة متوقفة: اضبط ADMIN_TOKEN في بيئة Switchboard ثم أعد تشغيله.',
  networkError: 'تعذّر الوصول إلى الخادم. تحقّق من الاتصال وأعد المحاولة.',
  navQueue: 'قائمة الانتظار',
  navConversations: 'المحادثات',
  navFlows: 'مسارات المحادثة',
  navContacts: 'جهات الاتصال',
  navTeam: 'الفريق',
  navReports: 'التقارير',
  navWhatsapp: 'واتساب',
  menu: 'القائمة',
  live: 'مباشر',
  offline: 'جارٍ إعادة الاتصال…',
  queueTitle: 'قائمة الانتظار',
  waiting: 'في الانتظار',
  assigned: 'مع موظف',
  noTeam: 'بلا فريق',
  nobodyWaiting: 'لا أحد في الانتظار.',
  nobodyAssigned: 'لا توجد محادثة مع موظف.',
  waitedFor: 'ينتظر منذ {time}',
  heldBy: 'مع {agent}',
  unnamed: 'جهة اتصال بلا اسم',
  conversationsTitle: 'المحادثات',
  search: 'بحث',
  searchConversations: 'الاسم أو حقل أو نص رسالة',
  status: 'الحالة',
  stage: 'المرحلة',
  team: 'الفريق',
  agent: 'الموظف',
  channel: 'القناة',
  any: 'الكل',
  open: 'مفتوحة',
  closed: 'مغلقة',
  stageBot: 'مع البوت',
  stageQueued: 'في الانتظار',
  stageAssigned: 'مع موظف',
  loadMore: 'عرض المزيد',
  noConversations: 'لا توجد محادثة مطابقة.',
  conversation: 'المحادثة {id}',
  transcript: 'نص المحادثة',
  events: 'الأحداث',
  details: 'التفاصيل',
  fields: 'الحقول',
  note: 'ملاحظة داخلية',
  addNote: 'إضافة ملاحظة',
  notePlaceholder: 'لا يراها إلا الفريق',
  close: 'إغلاق',
  closeConversation: 'إغلاق المحادثة',
  closingNote: 'ملاحظة الإغلاق',
  shareNote: 'إرسال الملاحظة إلى العميل',
  transfer: 'تحويل',
  transferTo: 'تحويل إلى',
  toTeam: 'فريق',
  toAgent: 'موظف',
  handBack: 'إعادتها إلى البوت',
  done: 'تم.',
  fromContact: 'العميل',
  fromBot: 'البوت',
  fromAgent: 'الموظف',
  fromNote: 'ملاحظة',
  delivery: 'التسليم',
  failed: 'فشل',
  attachment: 'مرفق',
  openedAt: 'فُتحت',
  closedAt: 'أُغلقت',
  flow: 'المسار',
  intent: 'النية',
  none: '—',
  evOpened: 'فُتحت',
  evQueued: 'دخلت قائمة الانتظار',
  evAssigned: 'أُسندت',
  evTransferred: 'حُوّلت',
  evClosed: 'أُغلقت',
  evHandedBack: 'أُعيدت إلى البوت',
  flowsTitle: 'مسارات المحادثة',
  newFlow: 'مسار جديد',
  flowName: 'حروف لاتينية صغيرة وأرقام و- و_',
  create: 'إنشاء',
  badName: 'الاسم حروف لاتينية صغيرة وأرقام و- و_، ويبدأ بحرف أو رقم.',
  version: 'الإصدار',
  updated: 'آخر تعديل',
  by: 'بواسطة',
  openConversations: 'محادثات مفتوحة',
  statusOk: 'يعمل',
  statusError: 'مرفوض',
  edit: 'تحرير',
  history: 'السجل',
  publish: 'نشر',
  publishing: 'جارٍ النشر…',
  published: 'نُشر الإصدار {version}.',
  validating: 'جارٍ التحقق…',
  valid: 'لا توجد مشكلات.',
  problems: 'المشكلات: {count}',
  lineCol: 'السطر {line}، العمود {column}',
  notPublished422: 'لم يُنشر: أصلح المشكلات أدناه أولًا. لم يتغيّر شيء.',
  conflict409: 'سبقك شخص آخر بالنشر: المسار الآن في الإصدار {version}. قارن نصك بنصه ثم انشر مجددًا.',
  compareTheirs: 'قارن بنصه',
  publishOverTheirs: 'انشر فوق نصه',
  loadTheirs: 'تجاهل نصي وحمّل نصه',
  unsaved: 'تغييرات غير منشورة',
  deleteFlow: 'حذف المسار',
  confirmDelete: 'حذف المسار {name}؟ سيُحذف ملفه.',
  deleteRefused: 'لم يُحذف: ما زالت {count} محادثة مفتوحة تعمل عليه.',
  versions: 'الإصدارات',
  current: 'الحالي',
  publishedBy: '{when} بواسطة {who}',
  diffWith: 'الإصدار {old} (الأول) مقابل الإصدار الحالي {current} (الثاني)',
  diffDraft: 'الإصدار الحالي {current} (الأول) مقابل نصك (الثاني)',
  rollBack: 'الرجوع إلى الإصدار {version}',
  confirmRollBack: 'نشر الإصدار {version} مجددًا ليكون الإصدار الحالي؟ تحتفظ المحادثات الجارية بإصدارها.',
  rolledBack: 'تم الرجوع: نُشر الإصدار {version}.',
  pickVersion: 'اختر إصدارًا لمقارنته بالإصدار الحالي.',
  backToList: 'كل المسارات',
  contactsTitle: 'جهات الاتصال',
  searchContacts: 'الاسم أو الهاتف أو البريد…',
  noContacts: 'لا توجد جهة اتصال مطابقة.',
  name: 'الاسم',
  identities: 'العناوين',
  tags: 'الوسوم',
  conversations: 'المحادثات',
  save: 'حفظ',
  saved: 'تم الحفظ.',
  addField: 'إضافة حقل',
  fieldKey: 'الحقل',
  fieldValue: 'القيمة',
  remove: 'إزالة',
  erase: 'محو جهة الاتصال',
  eraseWarning: 'محو {name} وكل محادثاته ورسائله وملفاته؟ لا يمكن التراجع عن ذلك (طلب حماية بيانات).',
  eraseConfirm: 'المحو نهائيًا',
  cancel: 'إلغاء',
  erased: 'تم المحو: {conversations} محادثة و{messages} رسالة و{files} ملف.',
  created: 'أُنشئت',
  teamTitle: 'الفريق',
  agents: 'الموظفون',
  online: 'متصل',
  away: 'غير متاح',
  offlineStatus: 'غير متصل',
  load: 'المفتوحة / الحد',
  lastSeen: 'آخر ظهور',
  teams: 'الفرق',
  teamFile: 'team.yaml',
  noAgents: 'لا يوجد موظفون في team.yaml بعد.',
  reportsTitle: 'التقارير',
  from: 'من',
  to: 'إلى',
  apply: 'عرض',
  downloadCsv: 'تنزيل CSV',
  opened: 'فُتحت',
  closedCount: 'أُغلقت',
  assignedCount: 'أُسندت إلى موظف',
  stillOpen: 'ما زالت مفتوحة',
  firstResponse: 'أول رد (الوسيط)',
  resolution: 'مدة الحل (الوسيط)',
  conversationsByTeam: 'المحادثات حسب الفريق',
  responseTimes: 'الأوقات الوسيطة (بالدقائق)',
  intents: 'النوايا',
  waitingNow: 'في الانتظار الآن',
  longestWait: 'الأطول {time}',
  noData: 'لا توجد بيانات في هذه الفترة.',
  whatsappTitle: 'ربط واتساب',
  whatsappHelp: 'على هاتف النشاط التجاري: واتساب ← الأجهزة المرتبطة ← ربط جهاز، ثم امسح الرمز.',
  whatsappTokenHelp: 'تطلب صفحة رمز QR رمز المسؤول مجددًا: اكتبه لعرض الرمز هنا.',
  whatsappOpenPage: 'فتح صفحة رمز QR',
  whatsappLinked: 'واتساب مرتبط.',
  pairingCode: 'رمز الربط: {code}',
  show: 'عرض',
  error: 'حدث خطأ: {message}',
  notFound: 'غير موجود.',
  retry: 'إعادة المحاولة',
  seconds: '{n} ث',
  minutes: '{n} د',
  hours: '{n} س {m} د',
  days: '{n} ي {h} س',
};

export type Lang = 'en' | 'ar';
const STRINGS: Record<Lang, Record<StringKey, string>> = { en, ar };
const STORAGE_KEY = 'switchboard.admin.lang';

let current: Lang = readStoredLang();
const listeners = new Set<() => void>();

function readStoredLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'ar' || stored === 'en') return stored;
  } catch {
    // Storage may be off (private mode): the browser's language decides.
  }
  return navigator.language.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

/** Sets `<html lang dir>` from the current language. */
export function applyLang(): void {
  document.documentElement.lang = current;
  document.documentElement.dir = current === 'ar' ? 'rtl' : 'ltr';
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Kept for this page only.
  }
  applyLang();
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The string `key` in the current language, with `{name}` placeholders filled.
 *
 *     t('published', { version: 4 }); // "Published version 4."
 */
export function t(key: StringKey, params: Record<string, string | number> = {}): string {
  return STRINGS[current][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A duration in seconds as people read it: "45 s", "12 min", "3 h 5 min". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('seconds', { n: s });
  if (s < 3600) return t('minutes', { n: Math.floor(s / 60) });
  if (s < 86400) return t('hours', { n: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  return t('days', { n: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
}

/** The arrow of a link back, pointing the way the page reads. */
export function back(): string {
  return current === 'ar' ? '→' : '←';
}

/** A date and time in the admin's language. */
export function when(iso: string | undefined): string {
  if (!iso) return t('none');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(current === 'ar' ? 'ar' : 'en', { dateStyle: 'medium', timeStyle: 'short' });
}
