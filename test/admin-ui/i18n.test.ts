// The dashboard's own words (src/admin-ui/i18n.ts): every word in English and in Arabic, with the same blanks, and
// the Arabic written in Arabic (an English word left in the Arabic table would show in an Arabic dashboard); and why a
// file is refused, in Arabic, for each kind of error the server names.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileReasonText, setLang, stringsIn, type StringKey } from '../../src/admin-ui/i18n.ts';
import type { KnownFileError } from '../../src/shared/file-error.ts';

/** Words that read the same in both: product and file names, a dash, the button that offers the other language. */
const SAME_IN_BOTH: StringKey[] = ['appName', 'teamFile', 'none'];

const blanks = (text: string) => [...text.matchAll(/\{(\w+)\}|\$/g)].map((match) => match[0]).sort();

describe('the dashboard\'s words', () => {
  const en = stringsIn('en');
  const ar = stringsIn('ar');

  it('has every word in Arabic, with the blanks English has', () => {
    expect(Object.keys(ar).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as StringKey[]) {
      expect(ar[key].trim().length, key).toBeGreaterThan(0);
      expect(blanks(ar[key]), key).toEqual(blanks(en[key]));
    }
  });

  it('writes its Arabic words in Arabic, names of products and files apart', () => {
    for (const key of Object.keys(en) as StringKey[]) {
      if (SAME_IN_BOTH.includes(key)) continue;
      if (key === 'otherLanguage') {
        expect([en[key], ar[key]]).toEqual(['العربية', 'English']);
        continue;
      }
      expect(ar[key], key).toMatch(/[\u0600-\u06ff]/);
      expect(en[key], key).not.toMatch(/[\u0600-\u06ff]/);
    }
  });
});

describe('why a file is refused, in Arabic', () => {
  afterEach(() => {
    setLang('en');
    vi.unstubAllGlobals();
  });

  it('words each kind of error the server names, what the file says kept as written and isolated', () => {
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    const allowed = ['say', 'ask'];
    const kinds: [KnownFileError, string][] = [
      [{ kind: 'yamlSyntax', detail: 'this text opens with " and is never closed', hint: 'put a " where the text ends' }, 'خطأ في صياغة YAML: \u2068this text opens with " and is never closed (put a " where the text ends)\u2069'],
      [{ kind: 'yamlSyntax', detail: 'Unexpected scalar' }, 'خطأ في صياغة YAML: \u2068Unexpected scalar\u2069 (تحقّق من المسافات البادئة وعلامات الاقتباس هنا)'],
      [{ kind: 'unknownStepKind', name: 'sya', suggestion: 'say', allowed }, 'نوع خطوة غير معروف: «\u2068sya\u2069» (هل تقصد «\u2068say\u2069»؟)'],
      [{ kind: 'unknownStepKind', name: 'wait', allowed }, 'نوع خطوة غير معروف: «\u2068wait\u2069» (استعمل أحد هذه الأنواع: \u2068say\u2069، \u2068ask\u2069)'],
      [{ kind: 'unknownKey', name: 'dealy', allowed }, 'مفتاح غير معروف: «\u2068dealy\u2069» (المسموح به هنا: \u2068say\u2069، \u2068ask\u2069)'],
      [{ kind: 'missingKey', name: 'routes' }, 'ينقص المفتاح «\u2068routes\u2069»'],
      [{ kind: 'noExamples', intent: 'refunds' }, 'النية «\u2068refunds\u2069» بلا أمثلة؛ أعطها قائمة برسائل أمثلةً عليها أو احذفها'],
      [{ kind: 'writtenTwice', name: 'sales' }, 'كُتب «\u2068sales\u2069» مرتين هنا (اكتبه مرة واحدة، وتحته كل أمثلته)'],
      [{ kind: 'exampleOfTwo', example: 'مرحبا', first: 'sales', second: 'billing', at: 'nlp/a.yaml:4:7' }, 'الجملة «\u2068مرحبا\u2069» مثال على النية «\u2068sales\u2069» (\u2068nlp/a.yaml:4:7\u2069) وعلى النية «\u2068billing\u2069» معًا؛ أبقها تحت نية واحدة'],
    ];
    // In English, the page shows the server's own sentence (undefined here).
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(() => undefined));
    setLang('ar');
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(([, arabic]) => arabic));
    expect(fileReasonText(undefined)).toBeUndefined();
  });

  it('words team.yaml\'s own errors and a flow naming a team team.yaml does not have, names kept as written and isolated', () => {
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    const teams = ['Billing', 'Support'];
    const kinds: [KnownFileError, string][] = [
      [{ kind: 'agentInUnknownTeam', agent: 'Omar', team: 'Suport', suggestion: 'Support', teams }, 'الموظف «\u2068Omar\u2069» في فريق غير معروف: «\u2068Suport\u2069» (هل تقصد «\u2068Support\u2069»؟)'],
      [{ kind: 'agentInUnknownTeam', agent: 2, team: 'Sales', teams }, 'الموظف رقم\u00a02 في فريق غير معروف: «\u2068Sales\u2069» (الفرق في هذا الملف: \u2068Billing\u2069، \u2068Support\u2069)'],
      [{ kind: 'agentInUnknownTeam', agent: 'Omar', team: 'Sales', teams: [] }, 'الموظف «\u2068Omar\u2069» في فريق غير معروف: «\u2068Sales\u2069» (أضفه أولًا تحت \u2068teams:\u2069، مثل \u2068- name: Sales\u2069)'],
      [{ kind: 'namedTwice', what: 'team', name: 'billing', firstLine: 2 }, 'الفريق «\u2068billing\u2069» مسمّى مرتين (في السطر\u00a02 الاسم نفسه؛ احذف أحدهما أو غيّر اسمه)'],
      [{ kind: 'namedTwice', what: 'agent', name: 'omar', firstLine: 4 }, 'الموظف «\u2068omar\u2069» مسمّى مرتين (في السطر\u00a04 هذا الاسم من قبل؛ أعطِ كل موظف اسمًا خاصًّا به)'],
      [{ kind: 'addressTaken', key: 'telegram', address: '9001', owner: 'Omar', line: 5 }, 'العنوان «\u20689001\u2069» في \u2068telegram\u2069 معطى من قبل إلى الموظف «\u2068Omar\u2069» في السطر\u00a05 (لكل عنوان موظف واحد؛ احذفه من أحدهما)'],
      [{ kind: 'noAddress', agent: 'Omar', keys: ['telegram', 'webchat'], example: 'webchat: agent-omar' }, 'ليس لدى الموظف «\u2068Omar\u2069» أيٌّ من \u2068telegram\u2069، \u2068webchat\u2069 (أضف واحدًا ليعرفه البوت حين يكتب، مثل \u2068webchat: agent-omar\u2069)'],
      [{ kind: 'badAddress', key: 'whatsapp', address: '12', example: 'whatsapp: "+15550001234"' }, '«\u206812\u2069» ليس عنوانًا يفهمه \u2068whatsapp\u2069 (مثل \u2068whatsapp: "+15550001234"\u2069)'],
      [{ kind: 'noSecret', agent: 'Omar', key: 'webchat', secretKey: 'webchat_token' }, 'لدى الموظف «\u2068Omar\u2069» \u2068webchat\u2069 بلا \u2068webchat_token\u2069: كل من يعرف العنوان يستطيع الدخول باسمه (أضف سرًّا عشوائيًا طويلًا، من \u2068openssl rand -hex 24\u2069 مثلًا، أو \u2068env:NAME\u2069 لقراءته من متغيرات البيئة)'],
      [{ kind: 'shortSecret', secretKey: 'webchat_token', minimum: 16 }, '\u2068webchat_token\u2069 أقصر من 16 حرفًا، فيمكن تخمينه (استعمل سرًّا عشوائيًا طويلًا، من \u2068openssl rand -hex 24\u2069 مثلًا، أو \u2068env:NAME\u2069 لقراءته من متغيرات البيئة)'],
      [{ kind: 'empty', name: 'teams' }, 'لا يجوز أن تكون قيمة «\u2068teams\u2069» فارغة'],
      [{ kind: 'emptyItem', name: 'teams', item: 2 }, 'العنصر رقم\u00a02 في «\u2068teams\u2069» فارغ؛ اكتب فيه قيمة أو احذفه'],
      [{ kind: 'manyDesks', team: 'Support', keys: ['telegram_desk', 'msteams_desk'] }, 'للفريق «\u2068Support\u2069» أكثر من مجموعة عمل: \u2068telegram_desk\u2069، \u2068msteams_desk\u2069 (يعمل الفريق في مجموعة واحدة؛ أبقِ مفتاحًا واحدًا منها)'],
      [{ kind: 'nameWithoutLetters', name: '!!' }, 'اسم الموظف «\u2068!!\u2069» بلا حرف ولا رقم (سمِّ الموظفين كما يناديهم زملاؤهم، مثل \u2068name: Omar\u2069)'],
      [{ kind: 'badMaxOpen', value: '0' }, 'يجب أن تكون قيمة \u2068max_open\u2069 عددًا صحيحًا من 1 فأكثر، لا \u20680\u2069 (مثل \u2068max_open: 3\u2069: أكثر عدد من المحادثات المفتوحة يعطيه التوزيع التلقائي لهذا الموظف)'],
      [{ kind: 'notOneOf', name: 'strategy', suggestion: 'least_open', allowed: ['round_robin', 'least_open'] }, 'يجب أن تكون قيمة «\u2068strategy\u2069» واحدة من: \u2068round_robin\u2069، \u2068least_open\u2069 (هل تقصد «\u2068least_open\u2069»؟)'],
      [{ kind: 'wrongType', name: 'teams', expected: 'array', received: 'string' }, 'يجب أن تكون قيمة «\u2068teams\u2069» من نوع قائمة، لا نص'],
      [{ kind: 'unknownTeam', team: 'Biling', suggestion: 'Billing', teams }, 'تُحيل الخطوة \u2068assign\u2069 إلى الفريق «\u2068Biling\u2069»، وليس في \u2068team.yaml\u2069 (هل تقصد «\u2068Billing\u2069»؟)'],
      [{ kind: 'unknownTeam', team: 'Sales', intent: 'sales', teams }, 'يُحيل توجيه النية «\u2068sales\u2069» إلى الفريق «\u2068Sales\u2069»، وليس في \u2068team.yaml\u2069 (الفرق في \u2068team.yaml\u2069: \u2068Billing\u2069، \u2068Support\u2069)'],
    ];
    // In English, the page shows the server's own sentence (undefined here).
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(() => undefined));
    setLang('ar');
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(([, arabic]) => arabic));
  });
});
