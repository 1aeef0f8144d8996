import { describe, expect, it } from 'vitest';
import { resumeFlow, startFlow } from '../../src/flows/index.ts';
import type { Attachment } from '../../src/store/types.ts';
import { compile, newRun, script, takeSaid } from './helpers.ts';

describe('ask', () => {
  it('asks, waits, and saves a valid answer to the contact', () => {
    const flow = compile(script(`  - ask: "Your email?"\n    expect: email\n    save: contact.email\n  - say: "Thanks, {{contact.email}}"\n`));
    const run = newRun();
    startFlow(flow, run);
    expect(takeSaid(run)).toEqual(['Your email?']);
    expect(run.conversation.flow).toMatchObject({ flow: 'test', version: flow.version, step: 0, waiting: { retries: 0 } });

    resumeFlow(flow, run, { text: 'Mona@Example.com' });
    expect(run.contact.fields.email).toBe('mona@example.com');
    expect(takeSaid(run)).toEqual(['Thanks, mona@example.com']);
    expect(run.conversation.flow).toMatchObject({ step: 2, done: true });
    expect(run.conversation.flow?.waiting).toBeUndefined();
  });

  it('saves conversation fields on the conversation, and builtins on their own properties', () => {
    const flow = compile(script(`  - ask: "Need?"\n    save: conversation.need\n  - ask: "Name?"\n    save: contact.name\n`));
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'a refund' });
    resumeFlow(flow, run, { text: 'Mona' });
    expect(run.conversation.fields).toEqual({ need: 'a refund' });
    expect(run.contact.name).toBe('Mona');
    expect(run.contact.fields).toEqual({});
  });

  it('saves a name the customer typed as agents will read it: no direction override, emoji joiners kept', () => {
    const flow = compile(script(`  - ask: "Name?"\n    save: contact.name\n  - say: "Thanks, {{contact.name}}"\n`));
    const run = newRun();
    startFlow(flow, run);
    takeSaid(run);
    resumeFlow(flow, run, { text: 'Dana 👩‍💻\u202Eevil\u202C' });
    expect(run.contact.name).toBe('Dana 👩‍💻evil');
    expect(takeSaid(run)).toEqual(['Thanks, Dana 👩‍💻evil']);
  });

  it('saves a number as a number and a date as yyyy-mm-dd, from Arabic-Indic digits', () => {
    const flow = compile(script(`  - ask: "How many?"\n    expect: number\n    save: conversation.count\n  - ask: "When?"\n    expect: date\n    save: conversation.when\n`));
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: '١٢' });
    resumeFlow(flow, run, { text: '٥/٦/٢٠٢٥' });
    expect(run.conversation.fields).toEqual({ count: 12, when: '2025-06-05' });
  });

  it('saves a phone number in E.164 using the step country', () => {
    const flow = compile(script(`  - ask: "Phone?"\n    expect: phone\n    country: EG\n    save: contact.phone\n`));
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: '0100 123 4567' });
    expect(run.contact.fields.phone).toBe('+201001234567');
  });

  it('offers choices with the question and saves the chosen id (button, number or title)', () => {
    const flow = compile(script(`  - ask: "Topic?"\n    expect: choice\n    choices: [Billing question, { id: tech, title: Technical problem }]\n    save: conversation.topic\n`));
    const run = newRun();
    startFlow(flow, run);
    expect(run.said).toEqual([{ text: 'Topic?', choices: [{ id: 'billing-question', title: 'Billing question' }, { id: 'tech', title: 'Technical problem' }] }]);
    resumeFlow(flow, run, { choice: 'tech' });
    expect(run.conversation.fields.topic).toBe('tech');

    for (const input of [{ text: '1' }, { text: 'billing QUESTION' }]) {
      const again = newRun();
      startFlow(flow, again);
      resumeFlow(flow, again, input);
      expect(again.conversation.fields.topic).toBe('billing-question');
    }
  });

  it('saves a regex answer that matches as a whole', () => {
    const flow = compile(script(`  - ask: "Order?"\n    expect: "regex:ORD-\\\\d{4}"\n    save: conversation.order\n`));
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'ORD-12' });
    expect(run.conversation.fields.order).toBeUndefined();
    resumeFlow(flow, run, { text: 'ORD-1234' });
    expect(run.conversation.fields.order).toBe('ORD-1234');
  });

  it('stops the flow, logged with the file and line, when a catastrophic pattern would hold the server on an answer', () => {
    // (a+)+b backtracks for seconds on 27 a's not followed by a b, and doubles with each further one; while it runs,
    // no customer of any channel is answered.
    const flow = compile(script(`  - ask: "Order code?"\n    expect: "regex:(a+)+b"\n    save: conversation.code\n  - say: "Thanks"\n`));
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: `${'a'.repeat(27)}!` });
    expect(run.conversation.flow).toMatchObject({ done: true, error: expect.stringMatching(/^step at flows\/test\.yaml:4 failed: the pattern \/\^\(\?:\(a\+\)\+b\)\$\/u stepped back over 5,000,000 times on the customer's text/) });
    expect(run.conversation.fields.code).toBeUndefined();
    expect(takeSaid(run)).toEqual(['Order code?']);
  });

  describe('skip_if_known', () => {
    const flow = compile(script(`  - ask: "Email?"\n    expect: email\n    save: contact.email\n    skip_if_known: true\n  - say: "Done"\n`));

    it('skips the question when the contact field has a value (e.g. from an earlier conversation)', () => {
      const run = newRun({ fields: { email: 'mona@example.com' } });
      startFlow(flow, run);
      expect(takeSaid(run)).toEqual(['Done']);
      expect(run.conversation.flow?.done).toBe(true);
    });

    it('asks when the field is empty', () => {
      const run = newRun({ fields: { email: '' } });
      startFlow(flow, run);
      expect(takeSaid(run)).toEqual(['Email?']);
    });

    it('asks again every time without it', () => {
      const always = compile(script(`  - ask: "Need?"\n    save: conversation.need\n    skip_if_known: false\n`));
      const run = newRun({}, { fields: { need: 'old' } });
      startFlow(always, run);
      expect(takeSaid(run)).toEqual(['Need?']);
    });
  });

  describe('invalid answers', () => {
    it('re-asks with the invalid text up to `retries` times, then says it goes on without the answer and continues without saving', () => {
      const flow = compile(script(`  - ask: "Email?"\n    expect: email\n    save: contact.email\n    retries: 2\n    invalid: "Not an email, {{contact.name | friend}}. Again?"\n  - say: "Moving on"\n`));
      const run = newRun();
      startFlow(flow, run);
      takeSaid(run);
      resumeFlow(flow, run, { text: 'mona' });
      expect(takeSaid(run)).toEqual(['Not an email, friend. Again?']);
      expect(run.conversation.flow?.waiting).toEqual({ retries: 1 });
      resumeFlow(flow, run, { text: 'still no' });
      expect(takeSaid(run)).toEqual(['Not an email, friend. Again?']);
      expect(run.conversation.flow?.waiting).toEqual({ retries: 2 });
      resumeFlow(flow, run, { text: 'never' });
      expect(takeSaid(run)).toEqual(["I couldn't take that as an email address, so let's go on without it.", 'Moving on']);
      expect(run.contact.fields.email).toBeUndefined();
      expect(run.conversation.flow?.done).toBe(true);
    });

    it('uses a default invalid text per expect type, with the choices again for a choice', () => {
      const flow = compile(script(`  - ask: "Topic?"\n    expect: choice\n    choices: [A, B]\n  - ask: "Email?"\n    expect: email\n`));
      const run = newRun();
      startFlow(flow, run);
      run.said.length = 0;
      resumeFlow(flow, run, { text: 'C' });
      expect(run.said).toEqual([{ text: 'Please pick one of the options (you can also type its number).', choices: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }] }]);
      resumeFlow(flow, run, { text: 'a' });
      run.said.length = 0;
      resumeFlow(flow, run, { text: 'x' });
      expect(takeSaid(run)).toEqual(["That doesn't look like an email address. Please write it like name@example.com."]);
    });

    it('says what was wrong with an email, as the step\'s own invalid text does not know', () => {
      const flow = compile(script(`  - ask: "Email?"\n    expect: email\n    retries: 3\n`));
      const run = newRun();
      startFlow(flow, run);
      takeSaid(run);
      for (const text of ['mona@example', 'mona@example.com or mona@work.example', 'mona']) resumeFlow(flow, run, { text });
      expect(takeSaid(run)).toEqual([
        'That email address is missing its ending, like .com or .co.uk. Please write it like name@example.com.',
        "That's more than one email address. Please send just the one we should use.",
        "That doesn't look like an email address. Please write it like name@example.com.",
      ]);
      const custom = compile(script(`  - ask: "Email?"\n    expect: email\n    invalid: "Try again"\n`));
      const again = newRun();
      startFlow(custom, again);
      resumeFlow(custom, again, { text: 'mona@example' });
      expect(takeSaid(again)).toEqual(['Email?', 'Try again']);
    });

    it('shows a number of the step\'s country as the shape of a phone number, in English and Arabic', () => {
      const flow = compile(script(`  - ask: "Phone?"\n    expect: phone\n    country: GB\n`));
      for (const [language, said] of [
        ['en', "That doesn't look like a phone number. Please write it like 07400 123456."],
        ['ar', 'لا يبدو هذا رقم هاتف صحيحًا. يُرجى كتابته مثل \u206607400 123456\u2069.'],
      ] as const) {
        const run = newRun({ language });
        startFlow(flow, run);
        takeSaid(run);
        resumeFlow(flow, run, { text: '123' });
        expect(takeSaid(run)).toEqual([said]);
      }
    });

    it('says the step\'s failed: text when the last try fails, whatever on_fail does, and nothing for failed: ""', () => {
      const flow = compile(script([
        '  - ask: { en: "Number?", ar: "الرقم؟" }\n    expect: number\n    retries: 0\n    failed: { en: "Never mind.", ar: "لا بأس." }\n    on_fail: goto:human',
        '  - say: "Skipped"',
        '  - id: human\n    ask: "Date?"\n    expect: date\n    retries: 0\n    failed: ""',
        '  - say: "Done"\n',
      ].join('\n')));
      const run = newRun({ language: 'ar' });
      startFlow(flow, run);
      resumeFlow(flow, run, { text: 'x' });
      resumeFlow(flow, run, { text: 'y' });
      expect(takeSaid(run)).toEqual(['الرقم؟', 'لا بأس.', 'Date?', 'Done']);
    });

    it('with retries: 0 goes straight to on_fail', () => {
      const flow = compile(script(`  - ask: "Number?"\n    expect: number\n    retries: 0\n  - say: "Next"\n`));
      const run = newRun();
      startFlow(flow, run);
      takeSaid(run);
      resumeFlow(flow, run, { text: 'x' });
      expect(takeSaid(run)).toEqual(["I couldn't take that as a number, so let's go on without it.", 'Next']);
    });

    it('on_fail: goto:<id> jumps to that step', () => {
      const flow = compile(script(`  - ask: "Number?"\n    expect: number\n    retries: 1\n    on_fail: goto:human\n  - say: "Skipped"\n  - id: human\n    say: "Let me find a person"\n`));
      const run = newRun();
      startFlow(flow, run);
      resumeFlow(flow, run, { text: 'x' });
      resumeFlow(flow, run, { text: 'y' });
      expect(takeSaid(run)).toEqual(['Number?', 'Please answer with a number, like 3.', 'Let me find a person']);
    });

    describe('on_fail: assign', () => {
      it('jumps to the flow\'s assign step', () => {
        const flow = compile(script(`  - ask: "Email?"\n    expect: email\n    retries: 0\n    on_fail: assign\n  - say: "Skipped"\n  - assign: { team: Support }\n`));
        const run = newRun();
        startFlow(flow, run);
        resumeFlow(flow, run, { text: 'x' });
        expect(run.assigned.map((request) => request.team)).toEqual(['Support']);
        expect(takeSaid(run)).toEqual(['Email?']);
      });
    });
  });

  describe('photos, files and locations', () => {
    const photo: Attachment = { kind: 'image', mime: 'image/jpeg', size: 52_000, ref: 'ph0t0', caption: 'the receipt' };
    const receiptFlow = compile(script(`  - ask: "Please send a photo of the receipt."\n    expect: image\n    save: conversation.receipt\n    invalid: "That is not a photo. Please send a photo of the receipt."\n  - say: "Thanks!"\n`));

    it('saves a photo as a media reference, not its caption', () => {
      const run = newRun();
      startFlow(receiptFlow, run);
      takeSaid(run);
      resumeFlow(receiptFlow, run, { attachments: [photo] });
      expect(run.conversation.fields.receipt).toBe('media:ph0t0');
      expect(takeSaid(run)).toEqual(['Thanks!']);
    });

    it('re-asks with the invalid text when the answer to a photo question is typed', () => {
      const run = newRun();
      startFlow(receiptFlow, run);
      takeSaid(run);
      resumeFlow(receiptFlow, run, { text: 'I lost it' });
      expect(takeSaid(run)).toEqual(['That is not a photo. Please send a photo of the receipt.']);
      expect(run.conversation.flow?.waiting).toEqual({ retries: 1 });
      expect(run.conversation.fields.receipt).toBeUndefined();
    });

    it('asks the question again, as a failed try, when the photo was not kept (the runtime says why)', () => {
      const run = newRun();
      startFlow(receiptFlow, run);
      takeSaid(run);
      resumeFlow(receiptFlow, run, { attachments: [{ kind: 'image', size: 90_000_000, refused: 'over the 16 MB limit' }] });
      expect(takeSaid(run)).toEqual(['Please send a photo of the receipt.']);
      expect(run.conversation.flow?.waiting).toEqual({ retries: 1 });
      expect(run.conversation.fields.receipt).toBeUndefined();
    });

    it('re-asks a typed question answered with media only, and never saves a reference as text', () => {
      const flow = compile(script(`  - ask: "What is your order number?"\n    save: conversation.order\n  - ask: "Your email?"\n    expect: email\n    save: contact.email\n`));
      const run = newRun();
      startFlow(flow, run);
      takeSaid(run);
      resumeFlow(flow, run, { attachments: [photo] });
      expect(takeSaid(run)).toEqual(["Sorry, I didn't get that. Could you type your answer?"]);
      expect(run.conversation.flow?.waiting).toEqual({ retries: 1, refused: 'text' });
      resumeFlow(flow, run, { text: 'ORD-1234' });
      resumeFlow(flow, run, { attachments: [{ kind: 'location', location: { latitude: 30, longitude: 31 } }] });
      expect(takeSaid(run)).toEqual(['Your email?', "That doesn't look like an email address. Please write it like name@example.com."]);
      expect(run.conversation.fields).toEqual({ order: 'ORD-1234' });
      expect(run.contact.fields).toEqual({});
    });

    it('saves a shared location as "<latitude>,<longitude>"', () => {
      const flow = compile(script(`  - ask: "Where should we deliver?"\n    expect: location\n    save: conversation.delivery\n  - say: "Delivering to {{conversation.delivery}}"\n`));
      const run = newRun();
      startFlow(flow, run);
      resumeFlow(flow, run, { text: 'Tahrir Square' });
      resumeFlow(flow, run, { attachments: [{ kind: 'location', location: { latitude: 30.0444, longitude: 31.2357, name: 'Tahrir Square' } }] });
      expect(run.conversation.fields.delivery).toBe('30.0444,31.2357');
      expect(takeSaid(run)).toEqual([
        'Where should we deliver?',
        'Please share a location: tap the attach button in your app and pick Location.',
        'Delivering to 30.0444,31.2357',
      ]);
    });

    it('saves any kept file for expect: file, and goes on_fail after the last try', () => {
      const flow = compile(script(`  - ask: "Send the invoice."\n    expect: file\n    save: conversation.invoice\n    retries: 1\n    on_fail: goto:human\n  - say: "Got it"\n  - id: human\n    say: "A colleague will help"\n`));
      const run = newRun();
      startFlow(flow, run);
      resumeFlow(flow, run, { attachments: [{ kind: 'document', mime: 'application/pdf', name: 'invoice.pdf', ref: 'pdf1' }] });
      expect(run.conversation.fields.invoice).toBe('media:pdf1');

      const failing = newRun();
      startFlow(flow, failing);
      resumeFlow(flow, failing, { text: 'invoice.pdf' });
      resumeFlow(flow, failing, { attachments: [{ kind: 'document', refused: 'over the 16 MB limit' }] });
      expect(takeSaid(failing)).toEqual(['Send the invoice.', 'Please send it as a file: a document, a photo, or an audio or video recording.', 'A colleague will help']);
      expect(failing.conversation.fields.invoice).toBeUndefined();
    });
  });
});
