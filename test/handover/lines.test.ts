// What agents and admins read about their decisions, in English (as before, and in the messaging apps) and in
// Arabic (the agent console and the dashboard in Arabic): every line has both, and what fills an Arabic line (a
// name, a note, a quote) is isolated so it cannot reorder the words around it.
import { describe, expect, it } from 'vitest';
import { deskLanguage, line, word, type Line } from '../../src/handover/lines.ts';

const FSI = '\u2068';
const PDI = '\u2069';
const isolated = (text: string) => `${FSI}${text}${PDI}`;

// One sample of each line: the type holds it to every key there is.
const samples: { [K in Line['key']]: Extract<Line, { key: K }>['args'] } = {
  online: [], away: [], noConversation: [4], notInYourTeams: [4], notOpen: [4], closedAlready: [4, { at: '2026-12-07T02:41:09.000Z', how: 'person', who: 'Nadia' }], notYours: [4, 'Omar'], notYourTeam: [4, 'Sales'],
  alreadyYours: [4], alreadyWith: [4, 'Omar'], alreadyWithBot: [4], claimed: [4], noteAdded: [4], closed: [4, 'refunded'],
  unseen: [4, 'Layla', 'one more thing', 0], unseenInApp: [4, 'Layla', 'one more thing', 0, 'topic'], handedBack: [4], holderChanged: [4, 'Omar'], noFlowToHandBackTo: [4, 'stays'], flowEndsAtHandover: [4, 'inbound', 'stays'], noTeamOrAgent: ['Bling', ['Billing']],
  noTeam: ['Bling', ['Billing']], noAgent: ['zed'], teamHasNoAgents: ['Sales', 4, 'stays'], agentNotOnline: ['Omar', 4, 'notMoved'],
  colleagueFull: ['Sara', 3, 3, 4, 'Billing'], nowWith: [4, 'Omar'], transferred: [4, 'Billing'], noTemplates: [], noTemplate: ['hi', ['order_update']], templateSent: ['order_update', 4],
  holdNone: [], reachableAgain: ['blocked', [4, 5]], unreachableThere: ['telegram', 'blocked'], addressMoved: [4, 'Layla'], holdSeveral: [[4, 5]], repliedToErased: [], wroteAfterErase: [4], wroteAfterLeft: [4, 'Layla', { holder: 'Sara' }, { id: 5, customer: 'Sam' }], repliedToClosed: [4, { at: '2026-12-07T02:41:09.000Z', how: 'you' }, 7], numberNotQuoted: [{ id: 4, customer: 'Layla' }, { id: 5, customer: 'Sam' }], replySent: [4], replyCorrected: [4], closedBy: [4, 'Nadia', 'spam'], handedBackBy: [4, 'Nadia'], movedBy: [4, 'Support', 'Nadia'],
  givenBy: [4, 'Omar', 'Nadia'], customerLeft: [4, 'Layla'], customerBlocked: [4, 'Layla'], customerRemovedApp: [4, 'Layla'], numberMerged: [1, 'Layla', 4, 'it is me, new number'], numberMergedAway: [4, 'Layla', 1], numberMergedHere: [4, 'Layla', 1], deskLost: ['Billing'], deskHeldHere: [4, 'Layla', 'Billing'], autoClosed: [4, 86_400_000], passedOnWhileAway: [4, 'Layla', 600_000, 'Billing', 'Sara'], awaitsAnswer: [4, 'Layla', 1_800_000], passedOnUnanswered: [4, 'Layla', 7_200_000, 'Sara'], passedOnRemoved: [4, 'Layla', 'Billing', 'Sara'], noLongerAgent: [], erasedBy: [4, 'Nadia'], threadHeldBy: ['Omar'], threadOpenToAll: [], threadTaken: [4, 'Omar'], threadLeftWithBot: [4, 'Layla', 86_400_000], threadClosedByFlow: [4, 'Layla', 'Answered by the FAQ'], threadClosed: [4, 'Sara', 'Layla'], sendAgainNotFailed: [4], alreadySentAgain: [4], sendAgainUnreachable: [4, 'windowClosed'], sendAgainWithheld: [], sendAgainWithheldNotHeld: ['Lina'], sentAgain: [4],
  notInThreadTeam: ['Sara', 'Billing'], threadNotYours: [4, 'Sara', 'Omar', 'Layla'], closeInOwnThread: [4, 5, 'note'], onlyCloseInThread: [4, 'list', 'Sara', 'Omar'], onlyInChatClosed: [4, 'list'], threadCommandNotYours: [4, 'close', 'Sara', 'Omar'], notAConversationTopic: ['Sara'], threadMoved: [4, 'Sara', 'Layla', 'Support'], notAmongYours: ['4'], noSuchConversation: [4], notAnId: [], claimFirst: [4],
  replyLooksLikeCommand: [], replyToDeleted: [4], noWebchatSession: [], replyEmpty: [], tooLong: [4096], pickTransferTarget: [], noteEmpty: [], badRequest: ['body: Required'],
  noSuchFlow: ['billing-faq'], flowGone: ['billing-faq'], noSuchVersion: ['billing-faq', '0123456789ab'], noSuchContact: [], reservedFieldName: ['fields.constructor', 'constructor'], fieldNameCase: ['fields.Email', 'email'], blankContactName: [], contactChangedSince: ['email'], eraseNotDone: [], rollbackStale: ['0123456789ab'],
  fileNotReceived: [undefined, 'image', 'the file is larger than 20 MB', { kind: 'tooLarge', limitBytes: 20 * 1024 * 1024 }], fileNotSent: [4, 'huge.zip', 'document', 'the file is larger than 20 MB'], fileNotShown: [4, 'sticker'], liveLocationOnce: [4], storyReplied: ['https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1'], storyMentioned: ['https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2'], textCut: [4, 25000, '…the last words the customer got'], customerTextCut: [25000], liveLocationShared: [], spoilerNotSent: [4, false], kindNotSent: [4, 'poll'],
  kindNotShown: ['poll'], kindNotShownInApp: ['poll'], reactedWith: ['👍', 'Did that fix it?'], reactionTakenBack: ['Did that fix it?'], editedMessage: ['A-1243', 'A-1234'], deletedMessage: ['My card is 4111'], answeredInApp: [], correctedAnswer: ['Sam', 'order number', '12345', '12346'], editNotTaken: ['Sam', 'Email', 'sam@example.com', 'email address'], answerTakenOut: ['Sam', 'Email', 'sam@example.com'], reactedInApp: ['👍', 'Did that fix it?'], quotedFile: ['image'], filePreview: [{ kind: 'audio', voice: true }], editNotRelayed: [], editOnClosed: [4], editNotYours: [4, 'Sara'], replyNotYours: [4, 'Sara'], editTooFarBack: [4], editLeavesNothing: [4], editNumberedOther: [{ id: 5, customer: 'Sam' }, { id: 4, customer: 'Layla' }], notDelivered: [4, 'Layla', 'Your refund is on its way', 'Forbidden: bot was blocked by the user', 'blocked'],
  reactionNotDelivered: [4, 'Layla', '👍', 'Forbidden: bot was blocked by the user', 'blocked'],
  notDeliveredWindowClosed: [4, 'Layla', 'Are you still there?', ['order_update']], reengaged: [4, 'Layla', 'Are you still there?', 'reply_waiting'], missedWhileUnreachable: [2], notDeliveredYet: [4, 'Layla', 'Your refund is on its way', 'Too Many Requests: retry after 60'], sendAgainNotHeld: [3, 'Omar'], sendAgainNoSession: [3, 'Omar'], notDeliveredYetMayHaveBlocked: [4, 'Layla', 'Your refund is on its way'], deliveredAfterWait: [4, 'Layla', 'Your refund is on its way'],
  commandDescription: ['help'], helpHead: [], helpLine: ['/claim N', 'claim'], helpTail: [], unknownCommand: ['clsoe', 'close'], needsNumber: ['claim'],
  justNumber: ['use'], badNumber: ['#abc', 'note'], closeOneAtATime: [[3, 4]], needsTransfer: [], needsNote: [], needsTemplate: [], notHeld: [4], nowGoTo: [4, 'Layla'],
  listStatus: ['away'], listHoldsNone: [], listYours: [1, 3], listHeld: [4, 'Layla', undefined, true], listQueueEmpty: ['Billing'], listQueueHead: ['Billing', 2],
  listWaiting: [4, 'Layla', 3], listMore: [2], onlyTextAndFiles: [], bareCommand: ['/close'], commandWithFile: ['/close'], reactionNotOnCustomers: ['👍', { id: 4, customer: 'Layla' }], reactionOnClosed: ['👍', { id: 4, customer: 'Layla' }],
  reactionNotYours: ['👍', { id: 4, customer: 'Layla' }, 'Sara'], reactionNotShown: ['🫠', { id: 4, customer: 'Layla' }, true], deletedStillThere: [{ id: 4, customer: 'Layla' }, 'Your refund is 50 EUR'], editedCommand: [],
  fileNotKept: [{ kind: 'image' }, 'the file is larger than 20 MB'], fileGone: [{ kind: 'audio', voice: true }], fileNotCarried: [{ kind: 'document', name: 'a.zip' }, 'Instagram'],
  fileNotForTeams: [{ kind: 'video' }], placeNotSent: [], pressNotTaken: [], oneToOneOnly: [], contactCardNotSent: ['Acme Support'],
  placeAsLine: [30.0444, 31.2357, 'Cairo office'], placeWithoutCoordinates: [], contactCardAsLine: ['Acme Support', '+20 2 1234 5678'],
  contactAsText: ['Acme Support', '+20 2 1234 5678'], contactAsBadge: [undefined, '+20 2 1234 5678'], listButton: [], fileTooLarge: [{ kind: 'image' }, 40 * 1024, 16 * 1024],
  cardHead: [4, true, 'Billing'], cardWho: ['Layla', 'webchat', 'billing'], cardWrote: ['Layla'], cardAnswer: ['Layla', 4], cardCustomer: ['3f9a'],
  cardHeadPassedOn: [4, 'Omar', 'Billing', 'Support'], cardLately: [], cardNoteBy: ['Omar'], cardAgent: [],
};
const all = Object.entries(samples).map(([key, args]) => ({ key, args }) as Line);

describe('the lines agents and admins read', () => {
  it('has an Arabic wording of every line, written in Arabic, and an English one without Arabic', () => {
    for (const said of all) {
      expect(word(said, 'ar'), said.key).toMatch(/[\u0600-\u06ff]{3}/);
      expect(word(said), said.key).not.toMatch(/[\u0600-\u06ff]/);
      expect(word(said, 'ar'), said.key).not.toBe(word(said));
    }
  });

  it('says in English what the messaging apps always said', () => {
    expect(word(line('online'))).toBe('You are online: new conversations will come to you.');
    expect(word(line('closed', 1, 'Your refund is on its way.'))).toBe('Closed #1 (Your refund is on its way.)');
    expect(word(line('unseen', 1, 'Layla', 'wait,\none more thing', 1))).toBe('Layla wrote in #1 since your screen last showed it: "wait, one more thing" (and 1 more). Nothing was closed: read it, then close again.');
    expect(word(line('unseenInApp', 1, 'Layla', 'wait', 0, 'chat'))).toBe('Layla wrote in #1 what your chat had not shown you when you sent /close: "wait". Nothing was closed: read it, then close again.');
    expect(word(line('transferred', 42, 'Support', 'Omar'))).toBe('#42 is transferred to Support (Omar has it).');
    expect(word(line('noFlowToHandBackTo', 42, 'notMoved'))).toBe('The bot has no flow to go on with in #42 (no flow starts on conversation.opened); it was not moved.');
  });

  it('says sizes in Arabic units, and why a file was not kept in Arabic words when that is known, else the channel\'s quoted', () => {
    expect(word(line('fileTooLarge', { kind: 'image' }, 40 * 1024, 1536 * 1024), 'ar')).toBe('[تعذّر إرسال صورة (40 كيلوبايت): أقصى ما تقبله هذه الدردشة 1.5 ميغابايت]');
    expect(word(line('fileTooLarge', { kind: 'image' }, 40 * 1024, 1536 * 1024))).toBe('[a photo of 40 KB: not sent, the most this chat takes is 1.5 MB]');
    expect(word(line('fileNotKept', { kind: 'image' }, 'the file is larger than 20 MB', { kind: 'tooLarge', limitBytes: 20 * 1024 * 1024 }), 'ar')).toBe('[تعذّر حفظ صورة: الملف أكبر من 20 ميغابايت]');
    expect(word(line('fileNotKept', { kind: 'image' }, 'the file is larger than 20 MB', { kind: 'tooLarge', limitBytes: 20 * 1024 * 1024 }))).toBe('[a photo that could not be kept: the file is larger than 20 MB]');
    expect(word(line('fileNotReceived', 'a.pdf', 'document', 'the download took too long', { kind: 'notFetched' }), 'ar')).toBe(`[تعذّر استلام الملف ${isolated('a.pdf')}: تعذّر تنزيل الملف]`);
    expect(word(line('fileNotReceived', 'a.pdf', 'document', 'HTTP 418'), 'ar')).toBe(`[تعذّر استلام الملف ${isolated('a.pdf')}: «${isolated('HTTP 418')}»]`);
  });

  it('closes in Arabic with the note isolated, and adds no stop after a note that ends its own sentence', () => {
    expect(word(line('closed', 1, 'Your refund is on its way.'), 'ar')).toBe(`أُغلقت المحادثة #1 (${isolated('Your refund is on its way.')})`);
    expect(word(line('closed', 1, 'تم رد المبلغ'), 'ar')).toBe(`أُغلقت المحادثة #1 (${isolated('تم رد المبلغ')}).`);
    expect(word(line('closed', 1), 'ar')).toBe('أُغلقت المحادثة #1.');
  });

  it('refuses an unseen close in Arabic with the name and the quote each isolated, in Arabic quotes', () => {
    expect(word(line('unseen', 1, 'Layla', 'one more thing', 0), 'ar')).toBe(
      `وصلت رسالة من ${isolated('Layla')} في المحادثة #1 منذ آخر تحديث لشاشتك: «${isolated('one more thing')}». لم يُغلق شيء: اقرأها ثم أغلق المحادثة مجددًا.`,
    );
    // A file says it is a file; an unnamed customer is "the customer".
    expect(word(line('unseen', 1, undefined, undefined, 0), 'ar')).toContain(`من ${isolated('العميل')} في المحادثة #1 منذ آخر تحديث لشاشتك: ملف.`);
  });

  it('counts the other unseen messages as Arabic counts them', () => {
    const more = (count: number) => word(line('unseen', 1, 'ليلى', 'مرحبا', count), 'ar');
    expect(more(1)).toContain('(ورسالة أخرى)');
    expect(more(2)).toContain('(ورسالتان أخريان)');
    expect(more(3)).toContain('(و3 رسائل أخرى)');
    expect(more(12)).toContain('(و12 رسالة أخرى)');
  });

  it('says how long an automatically closed conversation went without activity, counted as Arabic counts it', () => {
    const HOUR = 3_600_000;
    expect(word(line('autoClosed', 4, 24 * HOUR))).toBe('#4 was closed after 24 h without activity.');
    expect(word(line('autoClosed', 4, 24 * HOUR), 'ar')).toBe('أُغلقت المحادثة #4 تلقائيًا بعد 24 ساعة دون نشاط.');
    expect(word(line('autoClosed', 4, HOUR), 'ar')).toBe('أُغلقت المحادثة #4 تلقائيًا بعد ساعة واحدة دون نشاط.');
    expect(word(line('autoClosed', 4, 2 * HOUR), 'ar')).toBe('أُغلقت المحادثة #4 تلقائيًا بعد ساعتين دون نشاط.');
    expect(word(line('autoClosed', 4, 3 * HOUR), 'ar')).toBe('أُغلقت المحادثة #4 تلقائيًا بعد 3 ساعات دون نشاط.');
    expect(word(line('autoClosed', 4, 30 * 60_000), 'ar')).toBe('أُغلقت المحادثة #4 تلقائيًا بعد 30 دقيقة دون نشاط.');
    expect(word(line('autoClosed', 4, 7 * 24 * HOUR), 'ar')).toBe('أُغلقت المحادثة #4 تلقائيًا بعد 7 أيام دون نشاط.');
    expect(word(line('autoClosed', 4, 14 * 24 * HOUR), 'ar')).toBe('أُغلقت المحادثة #4 تلقائيًا بعد 14 يومًا دون نشاط.');
    // A screen that shows it later does not know how long.
    expect(word(line('autoClosed', 4), 'ar')).toBe('أُغلقت المحادثة #4 تلقائيًا بعد فترة دون نشاط.');
    expect(word(line('awaitsAnswer', 4, 'Layla', 2 * HOUR))).toBe('#4: Layla has waited 2 h for your answer.');
    expect(word(line('awaitsAnswer', 4, 'Layla', 2 * HOUR), 'ar')).toBe('#4: ينتظر \u2068Layla\u2069 ردك منذ ساعتين.');
    expect(word(line('passedOnUnanswered', 4, 'Layla', 2 * HOUR, 'Sara'))).toBe('#4 was passed to Sara: Layla had waited 2 h for your answer.');
    expect(word(line('passedOnUnanswered', 4, 'Layla', 2 * HOUR, 'Sara'), 'ar')).toBe('أُسندت المحادثة #4 إلى \u2068Sara\u2069: انتظر \u2068Layla\u2069 ردك مدة ساعتين.');
  });

  it('isolates names, teams and lists in Arabic lines, joined with the Arabic comma', () => {
    expect(word(line('transferred', 42, 'Billing', 'Omar'), 'ar')).toBe(`حُوّلت المحادثة #42 إلى فريق ${isolated('Billing')} (وهي الآن مع ${isolated('Omar')}).`);
    expect(word(line('transferred', 42, 'Billing'), 'ar')).toBe(`حُوّلت المحادثة #42 إلى فريق ${isolated('Billing')} (وتنتظر في قائمة انتظاره).`);
    expect(word(line('noTeamOrAgent', 'Bling', ['Billing', 'الدعم']), 'ar')).toBe(`لا يوجد فريق ولا موظف باسم «${isolated('Bling')}». الفرق: ${isolated('Billing')}، ${isolated('الدعم')}.`);
    expect(word(line('noTeam', 'Bling', []), 'ar')).toBe(`لا يوجد فريق باسم «${isolated('Bling')}». الفرق: لا يوجد.`);
  });

  it('tells the agent who held a conversation, in Arabic, who took it and where, whoever they are', () => {
    expect(word(line('movedBy', 1, 'Support', 'نادية'), 'ar')).toBe(`نُقلت المحادثة #1 إلى فريق ${isolated('Support')} بواسطة ${isolated('نادية')}.`);
    expect(word(line('closedBy', 1, 'Nadia', 'Refunded!'), 'ar')).toBe(`أُغلقت المحادثة #1 بواسطة ${isolated('Nadia')} (${isolated('Refunded!')})`);
    expect(word(line('closedBy', 1, 'Nadia'))).toBe('#1 was closed by Nadia.');
  });

  it('reads the desk language from a language tag: Arabic for any Arabic, English for the rest', () => {
    expect(deskLanguage('ar')).toBe('ar');
    expect(deskLanguage('ar-EG')).toBe('ar');
    expect(deskLanguage('AR_sa')).toBe('ar');
    expect(deskLanguage('en-US')).toBe('en');
    expect(deskLanguage('*')).toBe('en');
    expect(deskLanguage(undefined)).toBe('en');
  });
});
