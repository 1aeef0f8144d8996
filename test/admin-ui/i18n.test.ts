// The dashboard's own words (src/admin-ui/i18n.ts): every word in English and in Arabic, with the same blanks, and
// the Arabic written in Arabic (an English word left in the Arabic table would show in an Arabic dashboard); and why a
// file is refused, in Arabic, for each kind of error the server names, and each kind of warning of a flow.
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
      [{ kind: 'yamlSyntax', detail: 'Nested mappings are not allowed in compact mappings', hint: 'put the text in quotes' }, 'خطأ في صياغة YAML: \u2068Nested mappings are not allowed in compact mappings (put the text in quotes)\u2069'],
      [{ kind: 'unclosedQuote', quote: '"' }, 'خطأ في صياغة YAML: يبدأ هذا النص بعلامة الاقتباس \u2068"\u2069 ولا يُغلَق بها (ضع \u2068"\u2069 حيث ينتهي النص)'],
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
      [{ kind: 'teamFileEmptied', teams: 2, agents: 3, missing: true }, 'الملف \u2068team.yaml\u2069 غير موجود، وفي الخدمة الآن فرق عددها 2 وموظفون عددهم 3: هكذا يبدو الأمر بعد حذف الملف أو نقله، أو انقطاع حفظه قبل أن يكتمل (تبقى آخر نسخة سليمة في الخدمة؛ اكتب الملف من جديد، أو اكتب \u2068teams: []\u2069 و\u2068agents: []\u2069 لحذف كل الفرق والموظفين)'],
      [{ kind: 'teamFileEmptied', teams: 2, agents: 3 }, 'الملف \u2068team.yaml\u2069 فارغ، وفي الخدمة الآن فرق عددها 2 وموظفون عددهم 3: هكذا يبدو ملف انقطع حفظه قبل أن يكتمل (تبقى آخر نسخة سليمة في الخدمة؛ اكتب الملف من جديد، أو اكتب \u2068teams: []\u2069 و\u2068agents: []\u2069 لحذف كل الفرق والموظفين)'],
      [{ kind: 'noSecret', agent: 'Omar', key: 'webchat', secretKey: 'webchat_token' }, 'لدى الموظف «\u2068Omar\u2069» \u2068webchat\u2069 بلا \u2068webchat_token\u2069: كل من يعرف العنوان يستطيع الدخول باسمه (أضف سرًّا عشوائيًا طويلًا، من \u2068openssl rand -hex 24\u2069 مثلًا، أو \u2068env:NAME\u2069 لقراءته من متغيرات البيئة)'],
      [{ kind: 'shortSecret', secretKey: 'webchat_token', minimum: 16 }, '\u2068webchat_token\u2069 أقصر من 16 حرفًا، فيمكن تخمينه (استعمل سرًّا عشوائيًا طويلًا، من \u2068openssl rand -hex 24\u2069 مثلًا، أو \u2068env:NAME\u2069 لقراءته من متغيرات البيئة)'],
      [{ kind: 'empty', name: 'teams' }, 'لا يجوز أن تكون قيمة «\u2068teams\u2069» فارغة'],
      [{ kind: 'emptyItem', name: 'teams', item: 2 }, 'العنصر رقم\u00a02 في «\u2068teams\u2069» فارغ؛ اكتب فيه قيمة أو احذفه'],
      [{ kind: 'manyDesks', team: 'Support', keys: ['telegram_desk', 'msteams_desk'] }, 'للفريق «\u2068Support\u2069» أكثر من مجموعة عمل: \u2068telegram_desk\u2069، \u2068msteams_desk\u2069 (يعمل الفريق في مجموعة واحدة؛ أبقِ مفتاحًا واحدًا منها)'],
      [{ kind: 'nameWithoutLetters', name: '!!' }, 'اسم الموظف «\u2068!!\u2069» بلا حرف ولا رقم (سمِّ الموظفين كما يناديهم زملاؤهم، مثل \u2068name: Omar\u2069)'],
      [{ kind: 'badTimeZone', zone: 'Asia/Riyadth', agent: 'Sara', suggestion: 'Asia/Riyadh' }, '«\u2068Asia/Riyadth\u2069» في \u2068timezone\u2069 لدى الموظف «\u2068Sara\u2069» ليست منطقة زمنية (هل تقصد «\u2068Asia/Riyadh\u2069»؟)'],
      [{ kind: 'badTimeZone', zone: 'Mars/Base', team: 'Billing' }, '«\u2068Mars/Base\u2069» في \u2068timezone\u2069 لدى الفريق «\u2068Billing\u2069» ليست منطقة زمنية (اكتب منطقة زمنية بتسمية IANA، مثل \u2068Asia/Riyadh\u2069)'],
      [{ kind: 'badTimeZone', zone: 'Nowhere' }, '«\u2068Nowhere\u2069» في \u2068timezone\u2069 ليست منطقة زمنية (اكتب منطقة زمنية بتسمية IANA، مثل \u2068Asia/Riyadh\u2069)'],
      [{ kind: 'badMaxOpen', value: '0' }, 'يجب أن تكون قيمة \u2068max_open\u2069 عددًا صحيحًا من 1 فأكثر، لا \u20680\u2069 (مثل \u2068max_open: 3\u2069: أكثر عدد من المحادثات المفتوحة يعطيه التوزيع التلقائي لهذا الموظف)'],
      [{ kind: 'notOneOf', name: 'strategy', suggestion: 'least_open', allowed: ['round_robin', 'least_open'] }, 'يجب أن تكون قيمة «\u2068strategy\u2069» واحدة من: \u2068round_robin\u2069، \u2068least_open\u2069 (هل تقصد «\u2068least_open\u2069»؟)'],
      [{ kind: 'wrongType', name: 'teams', expected: 'array', received: 'string' }, 'يجب أن تكون قيمة «\u2068teams\u2069» من نوع قائمة، لا نص'],
      // A shape the file's reader knows an item of: written out.
      [{ kind: 'wrongType', name: 'teams', expected: 'array', received: 'string', example: '- name: Billing' }, 'يجب أن تكون قيمة «\u2068teams\u2069» من نوع قائمة، لا نص (اكتب كلًّا منها في سطر خاص تحت \u2068teams:\u2069، مثل \u2068- name: Billing\u2069)'],
      [{ kind: 'wrongItemType', name: 'teams', item: 1, expected: 'object', received: 'number', example: '- name: Billing' }, 'يجب أن يكون العنصر رقم\u00a01 في «\u2068teams\u2069» من نوع خريطة مفاتيح، لا رقم (مثل \u2068- name: Billing\u2069)'],
      [{ kind: 'wrongItemType', name: 'agents', item: 2, expected: 'object', received: 'string', example: '- name: Omar' }, 'يجب أن يكون العنصر رقم\u00a02 في «\u2068agents\u2069» من نوع خريطة مفاتيح، لا نص (مثل \u2068- name: Omar\u2069)'],
      [{ kind: 'wrongItemType', name: 'teams', item: 1, expected: 'string', received: 'number', example: 'teams: [Billing, Support]' }, 'يجب أن يكون العنصر رقم\u00a01 في «\u2068teams\u2069» من نوع نص، لا رقم (مثل \u2068teams: [Billing, Support]\u2069)'],
      [{ kind: 'fileNotMap', received: 'number' }, 'يجب أن يكون \u2068team.yaml\u2069 خريطة مفاتيح فيها قائمتان، \u2068teams:\u2069 و\u2068agents:\u2069، لا رقم (انظر الشروح في \u2068data/team.yaml\u2069 المرفق مع Switchboard)'],
      [{ kind: 'unknownTeam', team: 'Biling', suggestion: 'Billing', teams }, 'تُحيل الخطوة \u2068assign\u2069 إلى الفريق «\u2068Biling\u2069»، وليس في \u2068team.yaml\u2069 (هل تقصد «\u2068Billing\u2069»؟)'],
      [{ kind: 'unknownTeam', team: 'Sales', intent: 'sales', teams }, 'يُحيل توجيه النية «\u2068sales\u2069» إلى الفريق «\u2068Sales\u2069»، وليس في \u2068team.yaml\u2069 (الفرق في \u2068team.yaml\u2069: \u2068Billing\u2069، \u2068Support\u2069)'],
    ];
    // In English, the page shows the server's own sentence (undefined here).
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(() => undefined));
    setLang('ar');
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(([, arabic]) => arabic));
  });

  it('words a flow\'s warnings (it goes into service all the same), what the file says kept as written and isolated', () => {
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    const kinds: [KnownFileError, string][] = [
      [{ kind: 'noneTriedPasses', of: 'answer', pattern: '(?=.*#)ORD', tried: ['ORD', '#ORD', 'ORD-1234'] }, 'لم تجتز النمطَ «\u2068(?=.*#)ORD\u2069» أيُّ إجابة جُرِّبت (\u2068ORD\u2069، \u2068#ORD\u2069، \u2068ORD-1234\u2069 وغيرها): إن لم تجتزه أي إجابة، يُسأل العميل مجددًا مهما كتب حتى \u2068on_fail\u2069 (جرّب النمط على إجابة قد يكتبها عميل)'],
      [{ kind: 'noneTriedPasses', of: 'value', pattern: 'x(?=\\by)', tried: ['XA', 'ORD-1234'] }, 'لم تجتز النمطَ «\u2068x(?=\\by)\u2069» أيُّ قيمة جُرِّبت (\u2068XA\u2069، \u2068ORD-1234\u2069 وغيرها): إن لم تجتزه أي قيمة، فلن يتحقق هذا الشرط أبدًا (جرّب النمط على قيمة قد يحملها الحقل)'],
      [{ kind: 'takesAnyAnswer', oneLine: false }, 'يقبل هذا النمط أي إجابة، فلا يُسأل العميل مجددًا أبدًا (لقبول أي إجابة اكتب \u2068expect: text\u2069؛ وللتحقق منها اكتب ما يجب أن تبدو عليه، مثل \u2068regex:ORD-\\d{4}\u2069)'],
      [{ kind: 'takesAnyAnswer', oneLine: true }, 'يقبل هذا النمط أي إجابة من سطر واحد، فلا يُسأل العميل مجددًا أبدًا؛ أما الإجابة ذات الأسطر العديدة فيرفضها (لا يطابق \u2068.\u2069 فاصل الأسطر) (لقبول أي إجابة اكتب \u2068expect: text\u2069؛ وللتحقق منها اكتب ما يجب أن تبدو عليه، مثل \u2068regex:ORD-\\d{4}\u2069)'],
      [{ kind: 'cutByComment', text: 'Press', cut: '1 for billing' }, 'سيقرأ العملاء «\u2068Press\u2069» وحده: الباقي، «\u2068#1 for billing\u2069»، تعليق في YAML، لأن # بعد مسافة يبدأ تعليقًا (ضع النص كله بين علامتي اقتباس: \u2068"Press #1 for billing"\u2069)'],
      [{ kind: 'endsUnsaid', flow: 'support' }, 'قد يتجاوز المسار «\u2068support\u2069» خطوته الأخيرة دون \u2068close\u2069 أو \u2068assign\u2069؛ فتُغلق المحادثة حينها، وتبدأ رسالة العميل التالية المسار من جديد (اختمه بخطوة \u2068close\u2069 ليقول ذلك، أو بخطوة \u2068assign\u2069 ليحيل العميل إلى فريق)'],
      [{ kind: 'unknownAgent', agent: 'Omar', agents: ['Sara', 'Omar K'] }, 'تُحيل الخطوة \u2068assign\u2069 إلى الموظف «\u2068Omar\u2069»، وليس بهذا الاسم في \u2068team.yaml\u2069: لا يصل إليه عملاء هذه الخطوة إلا ما دام \u2068team.yaml\u2069 يصله على عنوان كان له حينها، وإلا انتظروا في قائمة الفريق دون موظف بعينه (الموظفون في \u2068team.yaml\u2069: \u2068Sara\u2069، \u2068Omar K\u2069)'],
      [{ kind: 'surveyTakesText' }, 'يأتي هذا السؤال بعد إغلاق المحادثة، ومع \u2068expect: text\u2069 يأخذ كل ما يكتبه العميل بعده إجابةً له: فطلب جديد («فاتورتي خاطئة مرة أخرى») يُحفظ هنا ولا تُفتح له محادثة (اسأل عن تقييم مع \u2068expect: number\u2069 أو \u2068choice\u2069، حتى تفتح الرسالةُ التي ليست إجابةً محادثةً جديدة؛ وأبقِ \u2068expect: text\u2069 فقط إن كان أي كلام إجابةً مقبولة هنا)'],
      [{ kind: 'sharedTrigger', flow: 'welcome', other: 'inbound', otherFile: 'flows/inbound.yaml', notRunning: 'this' }, 'لن يعمل المسار «\u2068welcome\u2069»: للمسار «\u2068inbound\u2069» (\u2068flows/inbound.yaml\u2069) المُشغِّل نفسه (\u2068trigger:\u2069)، ومن مسارين كهذين لا يعمل إلا صاحب الملف الأسبق في ترتيب الأسماء (أعطِ هذا المسار مُشغِّلًا آخر، أو احذف المسار «\u2068inbound\u2069» أولًا)'],
      [{ kind: 'sharedTrigger', flow: 'aaa', other: 'inbound', otherFile: 'flows/inbound.yaml', notRunning: 'other' }, 'للمسار «\u2068inbound\u2069» (\u2068flows/inbound.yaml\u2069) المُشغِّل نفسه (\u2068trigger:\u2069)، فلن يعمل بعد الآن: من مسارين كهذين لا يعمل إلا صاحب الملف الأسبق في ترتيب الأسماء (احذف المسار «\u2068inbound\u2069» إن كان هذا المسار يحلّ محلّه، أو أعطِ هذا المسار مُشغِّلًا آخر)'],
    ];
    // In English, the page shows the server's own sentence (undefined here).
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(() => undefined));
    setLang('ar');
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(([, arabic]) => arabic));
  });

  it('words why a flow\'s pattern, expect, goto or field is refused, the pattern reader\'s and JavaScript\'s own words quoted in English', () => {
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    const kinds: [KnownFileError, string][] = [
      [{ kind: 'neverMatches', of: 'answer', pattern: 'ORD-\\d{4}$-', because: '$ (the end of the answer) comes before text' }, 'لا يقبل النمطُ «\u2068ORD-\\d{4}$-\u2069» أيَّ إجابة: \u2068$ (the end of the answer) comes before text\u2069؛ فمهما كتب العميل يُسأل مجددًا حتى \u2068on_fail\u2069 (اكتب بعد \u2068regex:\u2069 ما يجب أن تبدو عليه الإجابة، مثل \u2068regex:ORD-\\d{4}\u2069)'],
      [{ kind: 'neverMatches', of: 'value', pattern: '^ord-$\\d+', because: '$ (the end of the field\'s value) comes before text' }, 'لا يطابق النمطُ «\u2068^ord-$\\d+\u2069» أيَّ قيمة: \u2068$ (the end of the field\'s value) comes before text\u2069؛ فلن يتحقق هذا الشرط أبدًا مهما كانت قيمة الحقل (اكتب ما يجب أن تحتويه القيمة، مثل \u2068matches: "^ord-\\\\d+$"\u2069)'],
      [{ kind: 'onlyEmptyAnswer', pattern: '', blank: false }, 'لا نمط بعد \u2068regex:\u2069، فلا يقبل إلا إجابة فارغة، ولا تكون الإجابة فارغة أبدًا: فمهما كتب العميل يُسأل مجددًا حتى \u2068on_fail\u2069 (اكتب بعد \u2068regex:\u2069 ما يجب أن تبدو عليه الإجابة، مثل \u2068regex:ORD-\\d{4}\u2069؛ ولقبول أي إجابة اكتب \u2068expect: text\u2069)'],
      [{ kind: 'onlyEmptyAnswer', pattern: '()', blank: false }, 'لا يقبل النمطُ «\u2068()\u2069» إلا إجابة فارغة، ولا تكون الإجابة فارغة أبدًا: فمهما كتب العميل يُسأل مجددًا حتى \u2068on_fail\u2069 (اكتب بعد \u2068regex:\u2069 ما يجب أن تبدو عليه الإجابة، مثل \u2068regex:ORD-\\d{4}\u2069؛ ولقبول أي إجابة اكتب \u2068expect: text\u2069)'],
      [{ kind: 'onlyEmptyAnswer', pattern: '\\s*', blank: true }, 'لا يقبل النمطُ «\u2068\\s*\u2069» إلا مسافات، والإجابة تُفحص دون المسافات المحيطة بها: فمهما كتب العميل يُسأل مجددًا حتى \u2068on_fail\u2069 (اكتب بعد \u2068regex:\u2069 ما يجب أن تبدو عليه الإجابة، مثل \u2068regex:ORD-\\d{4}\u2069؛ ولقبول أي إجابة اكتب \u2068expect: text\u2069)'],
      [{ kind: 'invalidPattern', pattern: 'ORD-(\\d{4}', detail: 'Unterminated group' }, 'تعبير نمطي غير صالح «\u2068ORD-(\\d{4}\u2069»: \u2068Unterminated group\u2069 (اسبق محارف مثل \u2068( [ { . + * ?\u2069 بشرطة مائلة عكسية)'],
      [{ kind: 'unknownExpect', name: 'emial', suggestion: 'email', allowed: ['text', 'email'] }, 'قيمة \u2068expect:\u2069 غير معروفة: «\u2068emial\u2069» (هل تقصد «\u2068email\u2069»؟)'],
      [{ kind: 'unknownExpect', name: 'postcode', allowed: ['text', 'email', 'number'] }, 'قيمة \u2068expect:\u2069 غير معروفة: «\u2068postcode\u2069» (استعمل إحدى هذه القيم: \u2068text\u2069، \u2068email\u2069، \u2068number\u2069 أو \u2068regex:<pattern>\u2069)'],
      [{ kind: 'unknownGotoTarget', target: 'hepl', suggestion: 'help', ids: ['help'] }, 'وجهة \u2068goto\u2069 «\u2068hepl\u2069» ليست معرّف خطوة في هذا الملف (هل تقصد «\u2068help\u2069»؟)'],
      [{ kind: 'unknownGotoTarget', target: 'hepl', ids: ['agents', 'done'] }, 'وجهة \u2068goto\u2069 «\u2068hepl\u2069» ليست معرّف خطوة في هذا الملف (معرّفات الخطوات هنا: \u2068agents\u2069، \u2068done\u2069)'],
      [{ kind: 'unknownGotoTarget', target: 'hepl', ids: [] }, 'وجهة \u2068goto\u2069 «\u2068hepl\u2069» ليست معرّف خطوة في هذا الملف (أعطِ الخطوة المقصودة معرّفًا: \u2068id: hepl\u2069)'],
      [{ kind: 'stepIdTwice', id: 'hi', firstLine: 4 }, 'معرّف الخطوة «\u2068hi\u2069» مكرّر (في السطر 4 مثله؛ أعطِ كل خطوة معرّفًا خاصًا بها)'],
      [{ kind: 'unknownField', field: 'contact.emial', inTemplate: true, suggestion: 'contact.email' }, 'حقل غير معروف في قالب نص: «\u2068contact.emial\u2069» (هل تقصد «\u2068contact.email\u2069»؟)'],
      [{ kind: 'unknownField', field: 'conversation.zzqx', inTemplate: false }, 'حقل غير معروف: «\u2068conversation.zzqx\u2069» (يوجد الحقل متى حفظه مسار بـ \u2068ask … save:\u2069 أو \u2068set:\u2069، أو استعمل حقلًا مدمجًا مثل \u2068contact.name\u2069)'],
    ];
    // In English, the page shows the server's own sentence (undefined here).
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(() => undefined));
    setLang('ar');
    expect(kinds.map(([known]) => fileReasonText(known))).toEqual(kinds.map(([, arabic]) => arabic));
  });
});
