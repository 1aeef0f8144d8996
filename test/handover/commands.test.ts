import { describe, expect, it } from 'vitest';
import { AGENT_COMMANDS, helpText, parseAgentCommand } from '../../src/handover/commands.ts';

describe('parseAgentCommand', () => {
  it('leaves text that is not a command to go to the customer', () => {
    expect(parseAgentCommand('Hello Layla, let me check.')).toBeUndefined();
    expect(parseAgentCommand('see #42 / the other one')).toBeUndefined();
  });

  it('reads the commands without arguments', () => {
    expect(parseAgentCommand('/online')).toEqual({ name: 'online' });
    expect(parseAgentCommand('/away')).toEqual({ name: 'away' });
    expect(parseAgentCommand('/list')).toEqual({ name: 'list' });
    expect(parseAgentCommand('/help')).toEqual({ name: 'help' });
    expect(parseAgentCommand('  /online  ')).toEqual({ name: 'online' });
    expect(parseAgentCommand('/Online')).toEqual({ name: 'online' });
  });

  it('answers Telegram\'s /start, sent when a chat with the bot opens, with the help', () => {
    expect(parseAgentCommand('/start')).toEqual({ name: 'help' });
  });

  it('reads Telegram\'s /command@botname form', () => {
    expect(parseAgentCommand('/online@acme_bot')).toEqual({ name: 'online' });
    expect(parseAgentCommand('/claim@acme_bot 42')).toEqual({ name: 'claim', conversationId: 42 });
    expect(parseAgentCommand('/close@acme_bot #42 refunded')).toEqual({ name: 'close', conversationId: 42, note: 'refunded' });
  });

  it('reads /claim and /use with a number, with or without #', () => {
    expect(parseAgentCommand('/claim 42')).toEqual({ name: 'claim', conversationId: 42 });
    expect(parseAgentCommand('/claim #42')).toEqual({ name: 'claim', conversationId: 42 });
    expect(parseAgentCommand('/use 7')).toEqual({ name: 'use', conversationId: 7 });
  });

  it('explains a /claim or /use without a number', () => {
    expect(parseAgentCommand('/claim')).toEqual({ error: '/claim needs a conversation number, like /claim 42.' });
    expect(parseAgentCommand('/use')).toEqual({ error: '/use needs a conversation number, like /use 42.' });
  });

  it('explains a bad conversation number', () => {
    expect(parseAgentCommand('/claim #abc')).toEqual({ error: '"#abc" is not a conversation number; write it like /claim 42.' });
    expect(parseAgentCommand('/use 0')).toEqual({ error: '"0" is not a conversation number; write it like /use 42.' });
    expect(parseAgentCommand('/use 4.2')).toEqual({ error: '"4.2" is not a conversation number; write it like /use 42.' });
    expect(parseAgentCommand('/note x called')).toEqual({ error: '"x" is not a conversation number; write it like /note 42 called the customer.' });
    expect(parseAgentCommand('/transfer #4a Billing')).toEqual({ error: '"#4a" is not a conversation number; write it like /transfer 42 Billing.' });
  });

  it('explains words after /claim\'s number instead of dropping them', () => {
    expect(parseAgentCommand('/claim 42 please')).toEqual({ error: '/claim takes just a conversation number, like /claim 42.' });
  });

  it('reads /transfer to a team or an agent whose name has spaces', () => {
    expect(parseAgentCommand('/transfer 42 Billing')).toEqual({ name: 'transfer', conversationId: 42, to: 'Billing' });
    expect(parseAgentCommand('/transfer #42   Omar Khalid ')).toEqual({ name: 'transfer', conversationId: 42, to: 'Omar Khalid' });
  });

  it('reads /transfer without a number as one for the conversation the message is about', () => {
    expect(parseAgentCommand('/transfer Sara')).toEqual({ name: 'transfer', to: 'Sara' });
    expect(parseAgentCommand('/transfer Omar Khalid')).toEqual({ name: 'transfer', to: 'Omar Khalid' });
  });

  it('explains a /transfer without a target', () => {
    const error = '/transfer needs a team or agent, like /transfer Billing (with a conversation number, /transfer 42 Billing, for one other than the one you are in).';
    expect(parseAgentCommand('/transfer')).toEqual({ error });
    expect(parseAgentCommand('/transfer 42')).toEqual({ error });
  });

  it('reads /note with its whole text, line breaks included', () => {
    expect(parseAgentCommand('/note 42 called the customer')).toEqual({ name: 'note', conversationId: 42, text: 'called the customer' });
    expect(parseAgentCommand('/note #42 called\nno answer')).toEqual({ name: 'note', conversationId: 42, text: 'called\nno answer' });
  });

  it('explains a /note without a number or a text', () => {
    const error = '/note needs a conversation number and a text, like /note 42 called the customer.';
    expect(parseAgentCommand('/note')).toEqual({ error });
    expect(parseAgentCommand('/note 42')).toEqual({ error });
  });

  it('reads /close with or without a number and a closing note', () => {
    expect(parseAgentCommand('/close')).toEqual({ name: 'close' });
    expect(parseAgentCommand('/close 42')).toEqual({ name: 'close', conversationId: 42 });
    expect(parseAgentCommand('/close #42')).toEqual({ name: 'close', conversationId: 42 });
    expect(parseAgentCommand('/close 42 refunded the second charge')).toEqual({ name: 'close', conversationId: 42, note: 'refunded the second charge' });
    expect(parseAgentCommand('/close refunded the second charge')).toEqual({ name: 'close', note: 'refunded the second charge' });
  });

  it('takes a number first in /close as the conversation, not as the note', () => {
    expect(parseAgentCommand('/close 3 days later it worked')).toEqual({ name: 'close', conversationId: 3, note: 'days later it worked' });
    expect(parseAgentCommand('/close 2nd charge refunded')).toEqual({ name: 'close', note: '2nd charge refunded' });
  });

  it('explains a /close with a bad number', () => {
    expect(parseAgentCommand('/close #abc')).toEqual({ error: '"#abc" is not a conversation number; write it like /close 42 refunded.' });
  });

  it('refuses a /close whose first word is digits but no conversation number, rather than close the current one with it as the note', () => {
    for (const typed of ['0', '42.', '-3', '99999999999999999999', '٤٢.']) {
      expect(parseAgentCommand(`/close ${typed}`), typed).toEqual({ error: `"${typed}" is not a conversation number; write it like /close 42 refunded.` });
    }
    expect(parseAgentCommand('/close 2nd charge refunded')).toEqual({ name: 'close', note: '2nd charge refunded' });
  });

  it('reads a command behind invisible marks (an Arabic keyboard\'s right-to-left mark, a zero-width space), also beside its number', () => {
    expect(parseAgentCommand('\u200f/إغلاق ١ احتيال')).toEqual({ name: 'close', conversationId: 1, note: 'احتيال' });
    expect(parseAgentCommand('\u200b/list')).toEqual({ name: 'list' });
    expect(parseAgentCommand('\u2067/close 2\u2069')).toEqual({ name: 'close', conversationId: 2 });
    expect(parseAgentCommand('/إغلاق \u200f٢')).toEqual({ name: 'close', conversationId: 2 });
  });

  it('closes one conversation at a time: /close 3 4 closes neither, and says how', () => {
    const error = '/close closes one conversation at a time, and nothing was closed: send /close 3, then /close 4.';
    for (const typed of ['/close 3 4', '/close 3, 4', '/close #3 #4', '/close 3,4', '/إغلاق ٣ ٤']) expect(parseAgentCommand(typed), typed).toEqual({ error });
    expect(parseAgentCommand('/close 3 4', 'ar')).toEqual({ error: 'يُغلق \u2068/close\u2069 محادثة واحدة في كل مرة، ولم يُغلَق شيء: أرسل \u2068/close 3\u2069 ثم \u2068/close 4\u2069.' });
    expect(parseAgentCommand('/close 3 4 days later it worked')).toEqual({ name: 'close', conversationId: 3, note: '4 days later it worked' });
  });

  it('answers an unknown command with the likely one and /help', () => {
    expect(parseAgentCommand('/clsoe 42')).toEqual({ error: 'Unknown command /clsoe. Did you mean /close? Send /help for the list.' });
    expect(parseAgentCommand('/onlin')).toEqual({ error: 'Unknown command /onlin. Did you mean /online? Send /help for the list.' });
    expect(parseAgentCommand('/weather')).toEqual({ error: 'Unknown command /weather. Send /help for the list.' });
    expect(parseAgentCommand('/')).toEqual({ error: 'Unknown command /. Send /help for the list.' });
    expect(parseAgentCommand('/constructor')).toEqual({ error: 'Unknown command /constructor. Send /help for the list.' });
  });

  it('reads the commands\' Arabic words, however alef, ta marbuta and ya are typed, with their arguments', () => {
    expect(parseAgentCommand('/متصل')).toEqual({ name: 'online' });
    expect(parseAgentCommand('/غائب')).toEqual({ name: 'away' });
    expect(parseAgentCommand('/قائمة')).toEqual({ name: 'list' });
    expect(parseAgentCommand('/قائمه')).toEqual({ name: 'list' });
    expect(parseAgentCommand('/استلام ٤٢')).toEqual({ name: 'claim', conversationId: 42 });
    expect(parseAgentCommand('/استخدم #7')).toEqual({ name: 'use', conversationId: 7 });
    expect(parseAgentCommand('/تحويل ٤٢ الدعم الفني')).toEqual({ name: 'transfer', conversationId: 42, to: 'الدعم الفني' });
    expect(parseAgentCommand('/ملاحظة 42 اتصلت بالعميل')).toEqual({ name: 'note', conversationId: 42, text: 'اتصلت بالعميل' });
    expect(parseAgentCommand('/إغلاق')).toEqual({ name: 'close' });
    expect(parseAgentCommand('/اغلاق ٢ «تم رد المبلغ»')).toEqual({ name: 'close', conversationId: 2, note: '«تم رد المبلغ»' });
    expect(parseAgentCommand('/إرجاع')).toEqual({ name: 'handback' });
    expect(parseAgentCommand('/مساعدة')).toEqual({ name: 'help' });
    expect(parseAgentCommand('/إغلاق@acme_bot 3')).toEqual({ name: 'close', conversationId: 3 });
  });

  it('suggests the Arabic word of a mistyped Arabic command, in the agent\'s language', () => {
    expect(parseAgentCommand('/اغلاك', 'ar')).toEqual({ error: 'لا يوجد أمر \u2068/اغلاك\u2069. هل تقصد \u2068/إغلاق\u2069؟ أرسل \u2068/help\u2069 لعرض الأوامر.' });
    expect(parseAgentCommand('/طقس', 'ar')).toEqual({ error: 'لا يوجد أمر \u2068/طقس\u2069. أرسل \u2068/help\u2069 لعرض الأوامر.' });
  });

  it('answers every error in one line', () => {
    for (const text of ['/clsoe', '/claim', '/claim #abc', '/transfer 1', '/note', '/close #x']) {
      const result = parseAgentCommand(text);
      expect(result && 'error' in result && !result.error.includes('\n')).toBe(true);
    }
  });
});

describe('AGENT_COMMANDS and helpText', () => {
  it('list every command with a one-line description that Telegram accepts', () => {
    expect(AGENT_COMMANDS.map((command) => command.name)).toEqual(['online', 'away', 'list', 'claim', 'use', 'transfer', 'note', 'close', 'handback', 'template', 'help']);
    for (const { name, description } of AGENT_COMMANDS) {
      expect(name).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(description.length).toBeGreaterThan(0);
      expect(description.length).toBeLessThanOrEqual(256);
      expect(description).not.toContain('\n');
    }
  });

  it('shows each command\'s usage in /help', () => {
    const help = helpText();
    for (const { usage } of AGENT_COMMANDS) expect(help).toContain(usage);
    expect(help).toContain('/close [N] [note] — Close conversation N (or the one you are in), with an optional closing note; a note in "quotes" is also sent to the customer');
  });

  it('shows an Arabic agent each command\'s Arabic word beside it, each of which is read as the command', () => {
    const help = helpText('ar').split('\n');
    expect(help).toContain('\u2068/close [N] [note]\u2069 أو \u2068/إغلاق\u2069 — أغلق المحادثة N (أو التي أنت فيها) مع ملاحظة إغلاق اختيارية؛ والملاحظة بين "علامتي تنصيص" تُرسل إلى العميل أيضًا');
    for (const { name } of AGENT_COMMANDS) {
      const shown = help.find((text) => text.startsWith(`\u2068/${name}`))!;
      const arabic = /أو \u2068(\/\S+)\u2069/.exec(shown)![1]!;
      // Each with what it needs: nothing, a number, or a number and a word.
      const read = [arabic, `${arabic} 1`, `${arabic} 1 x`].map((text) => (parseAgentCommand(text) as { name?: string }).name);
      expect(read.find((found) => found !== undefined)).toBe(name);
    }
  });
});
