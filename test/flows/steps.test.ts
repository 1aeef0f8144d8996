import { describe, expect, it } from 'vitest';
import { resumeFlow, startFlow } from '../../src/flows/index.ts';
import { compile, newRun, script, takeSaid } from './helpers.ts';

describe('say', () => {
  it('says the text and goes on without waiting', () => {
    const flow = compile(script(`  - say: "One"\n  - say: "Two"\n    choices: [Yes, No]\n`));
    const run = newRun();
    startFlow(flow, run);
    expect(run.said).toEqual([{ text: 'One' }, { text: 'Two', choices: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] }]);
    expect(run.conversation.flow).toMatchObject({ step: 2, done: true });
  });
});

describe('set', () => {
  it('writes literals, templates, builtins, and null clears a field', () => {
    const flow = compile(script(
      '  - set: { conversation.priority: high, contact.vip: true, contact.score: 3, conversation.team: Billing }\n' +
      '  - set: { conversation.reply_to: "{{contact.email}}", conversation.greeting: "Hi {{contact.name}}", conversation.score: "{{contact.score}}", contact.old: null }\n',
    ), ['contact.email']);
    const run = newRun({ name: 'Mona', fields: { email: 'mona@example.com', old: 'x' } });
    startFlow(flow, run);
    expect(run.conversation.fields).toEqual({ priority: 'high', reply_to: 'mona@example.com', greeting: 'Hi Mona', score: 3 });
    expect(run.conversation.team).toBe('Billing');
    expect(run.contact.fields).toEqual({ email: 'mona@example.com', vip: true, score: 3, old: null });
  });
});

describe('tag', () => {
  it('adds tags to the contact once', () => {
    const flow = compile(script(`  - tag: vip\n  - tag: [vip, wholesale, wholesale]\n`));
    const run = newRun({ tags: ['returning'] });
    startFlow(flow, run);
    expect(run.contact.tags).toEqual(['returning', 'vip', 'wholesale']);
  });
});

describe('goto', () => {
  it('jumps to the step with that id', () => {
    const flow = compile(script(`  - goto: end\n  - say: "Skipped"\n  - id: end\n    say: "End"\n`));
    const run = newRun();
    startFlow(flow, run);
    expect(takeSaid(run)).toEqual(['End']);
  });

  it('may loop back through a step that waits', () => {
    const flow = compile(script(`  - id: again\n    ask: "Anything else?"\n    save: conversation.more\n  - branch:\n      - if: { conversation.more: { not: no } }\n        goto: again\n  - say: "Bye"\n`));
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'yes, one thing' });
    resumeFlow(flow, run, { text: 'No' });
    expect(takeSaid(run)).toEqual(['Anything else?', 'Anything else?', 'Bye']);
  });
});

describe('close', () => {
  it('asks the runtime to close with the note and ends the flow', () => {
    const flow = compile(script(`  - close: "Solved by the bot for {{contact.name | a visitor}}"\n  - say: "Never said"\n`));
    const run = newRun();
    startFlow(flow, run);
    expect(run.closed).toEqual(['Solved by the bot for a visitor']);
    expect(run.said).toEqual([]);
    expect(run.conversation.flow?.done).toBe(true);
  });

  it('closes without a note on close: true', () => {
    const run = newRun();
    startFlow(compile(script('  - close: true\n')), run);
    expect(run.closed).toEqual([undefined]);
  });
});

describe('branch', () => {
  const targets = ['vip_billing', 'refund', 'big', 'negative', 'staff', 'late', 'summer', 'blocked', 'europe', 'unknown'];
  const flow = compile(
    script(
      '  - branch:\n' +
      '      - if: { conversation.topic: Billing, contact.vip: true }\n' +
      '        goto: vip_billing\n' +
      '      - if: { conversation.topic: { in: [refund, return] } }\n' +
      '        goto: refund\n' +
      '      - if: { conversation.amount: { gt: 100 } }\n' +
      '        goto: big\n' +
      '      - if: { conversation.amount: { lt: 0 } }\n' +
      '        goto: negative\n' +
      '      - if: { contact.email: { matches: "@acme\\\\.com$" } }\n' +
      '        goto: staff\n' +
      '      - if: { conversation.topic: { contains: "late" } }\n' +
      '        goto: late\n' +
      '      - if: { conversation.when: { gt: "2025-06-01" } }\n' +
      '        goto: summer\n' +
      '      - if: { contact.tags: blocked }\n' +
      '        goto: blocked\n' +
      '      - if: { contact.tags: { matches: "^region-(eu|uk)$" } }\n' +
      '        goto: europe\n' +
      '      - if: { conversation.topic: { known: false }, conversation.amount: { not: 5 } }\n' +
      '        goto: unknown\n' +
      '  - say: no case\n' +
      '  - close: true\n' +
      targets.map((id) => `  - id: ${id}\n    say: ${id}\n  - close: true\n`).join(''),
    ),
    ['conversation.topic', 'conversation.amount', 'conversation.when', 'contact.vip', 'contact.email'],
  );

  function landsOn(conversationFields: Record<string, string | number>, contactFields: Record<string, string | boolean> = {}, tags: string[] = []) {
    const run = newRun({ fields: contactFields, tags }, { fields: conversationFields });
    startFlow(flow, run);
    return takeSaid(run)[0];
  }

  it('takes the first case whose conditions all hold (text compares without case)', () => {
    expect(landsOn({ topic: 'billing' }, { vip: true })).toBe('vip_billing');
    expect(landsOn({ topic: 'billing', amount: 5 }, { vip: false })).toBe('no case');
  });

  it('supports in, gt, lt, matches, contains, known, not and tags (matches on tags too)', () => {
    expect(landsOn({ topic: 'Return' })).toBe('refund');
    expect(landsOn({ topic: 'x', amount: 250 })).toBe('big');
    expect(landsOn({ topic: 'x', amount: '٢٠٠' })).toBe('big');
    expect(landsOn({ topic: 'x', amount: -1 })).toBe('negative');
    expect(landsOn({ topic: 'x' }, { email: 'omar@ACME.com' })).toBe('staff');
    expect(landsOn({ topic: 'Parcel is LATE again' })).toBe('late');
    expect(landsOn({ topic: 'x', when: '2025-07-01' })).toBe('summer');
    expect(landsOn({ topic: 'x', when: '2025-05-01' })).toBe('no case');
    expect(landsOn({ topic: 'x' }, {}, ['blocked'])).toBe('blocked');
    // On tags, a pattern holds when one of them matches it.
    expect(landsOn({ topic: 'x' }, {}, ['vip', 'Region-UK'])).toBe('europe');
    expect(landsOn({ topic: 'x' }, {}, ['region-us'])).toBe('no case');
    expect(landsOn({})).toBe('unknown');
    expect(landsOn({ amount: 5 })).toBe('no case');
  });

  it('goes to the else case when nothing matches', () => {
    const withElse = compile(script(`  - branch:\n      - if: { conversation.intent: billing }\n        goto: billing\n      - else: other\n  - id: billing\n    say: billing\n  - id: other\n    say: other\n`));
    const run = newRun({}, { intent: 'sales' });
    startFlow(withElse, run);
    expect(takeSaid(run)).toEqual(['other']);
  });

  it('stops the flow, logged with the file and line, when a catastrophic matches: would hold the server on a field', () => {
    const slow = compile(script('  - branch:\n      - if: { conversation.need: { matches: "^(\\\\w+\\\\s?)+$" } }\n        goto: words\n  - close: true\n  - id: words\n    say: words\n'), ['conversation.need']);
    const run = newRun({}, { fields: { need: `${'a'.repeat(27)}?` } });
    startFlow(slow, run);
    expect(run.conversation.flow).toMatchObject({ done: true, error: expect.stringMatching(/^step at flows\/test\.yaml:4 failed: the pattern .* stepped back over 5,000,000 times on the customer's text/) });
    expect(takeSaid(run)).toEqual([]);
  });
});

describe('classify', () => {
  const flow = compile(script(
    '  - ask: "Need?"\n    save: conversation.need\n' +
    '  - classify: conversation.need\n    routes: { billing: Billing, tech_support: Support }\n    threshold: 0.6\n    clarify: "Is this about billing or a technical problem?"\n' +
    '  - say: "Routed to {{conversation.team}} ({{conversation.intent}})"\n',
  ));

  function classified(prediction: { intent: string; confidence: number } | undefined) {
    const run = newRun();
    run.classifier = () => prediction;
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'I was charged twice' });
    return run;
  }

  it('routes a confident prediction to its team', () => {
    const run = classified({ intent: 'billing', confidence: 0.92 });
    expect(takeSaid(run)).toEqual(['Need?', 'Routed to Billing (billing)']);
    expect(run.conversation).toMatchObject({ intent: 'billing', team: 'Billing' });
  });

  it('asks the clarify question with the routes as buttons below the threshold, and the button routes', () => {
    const run = classified({ intent: 'billing', confidence: 0.41 });
    expect(run.said.at(-1)?.choices).toEqual([{ id: 'billing', title: 'Billing' }, { id: 'tech_support', title: 'Support' }]);
    expect(takeSaid(run)).toEqual(['Need?', 'Is this about billing or a technical problem?']);
    resumeFlow(flow, run, { choice: 'tech_support' });
    expect(takeSaid(run)).toEqual(['Routed to Support (tech_support)']);
  });

  it('styles the clarify question where the admin wrote WhatsApp\'s markup, with the routes as buttons', () => {
    const styled = compile(script('  - classify: conversation.first_message\n    routes: { billing: Billing }\n    clarify: "Is this about *billing*?"\n'));
    const run = newRun({}, { fields: { first_message: 'hmm' } });
    run.classifier = () => ({ intent: 'billing', confidence: 0.2 });
    startFlow(styled, run);
    expect(run.said.at(-1)).toMatchObject({ text: 'Is this about billing?', styles: [{ style: 'bold', offset: 'Is this about '.length, length: 'billing'.length }], choices: [{ id: 'billing', title: 'Billing' }] });
  });

  it('takes an out-of-scope intent, or no model at all, down the clarify path too', () => {
    const outOfScope = classified({ intent: 'weather', confidence: 0.99 });
    expect(takeSaid(outOfScope).at(-1)).toBe('Is this about billing or a technical problem?');
    const noModel = classified(undefined);
    expect(takeSaid(noModel).at(-1)).toBe('Is this about billing or a technical problem?');
    resumeFlow(flow, noModel, { text: '1' });
    expect(takeSaid(noModel)).toEqual(['Routed to Billing (billing)']);
  });

  it('routes the need told again in other words instead of a button, as it would have routed it at first', () => {
    const run = newRun();
    run.classifier = (text) => (text.includes('charged') ? { intent: 'billing', confidence: 0.9 } : { intent: 'tech_support', confidence: 0.3 });
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'I have a question' });
    expect(takeSaid(run).at(-1)).toBe('Is this about billing or a technical problem?');
    resumeFlow(flow, run, { text: 'my card was charged twice' });
    expect(takeSaid(run)).toEqual(['Routed to Billing (billing)']);
  });

  it('says how to answer when the clarify answer is none of the choices, once, then goes on without a team', () => {
    const run = classified({ intent: 'billing', confidence: 0.2 });
    takeSaid(run);
    resumeFlow(flow, run, { text: 'neither' });
    // How to answer, with the buttons again; before, the question word for word, as if "neither" went unheard.
    expect(run.said).toEqual([{ text: 'Please pick one of the options (you can also type its number).', choices: [{ id: 'billing', title: 'Billing' }, { id: 'tech_support', title: 'Support' }] }]);
    takeSaid(run);
    resumeFlow(flow, run, { text: 'still neither' });
    expect(takeSaid(run)).toEqual(['Routed to  ()']);
    expect(run.conversation.team).toBeUndefined();
  });
});

describe('assign', () => {
  const flow = compile(script(
    '  - assign: { team: Billing, strategy: round_robin }\n    queued: "You are number {{queue.position}}"\n    timeout: 10m\n    on_timeout: goto:late\n' +
    '  - say: "Never reached by falling through"\n' +
    '  - id: late\n    say: "Nobody was free; we will email you."\n',
  ));

  it('asks the runtime to hand over, with the queued text rendered for a position, and waits', () => {
    const run = newRun();
    startFlow(flow, run);
    expect(run.assigned).toHaveLength(1);
    expect(run.assigned[0]).toMatchObject({ team: 'Billing', strategy: 'round_robin' });
    expect(run.assigned[0]?.queuedText?.(3).text).toBe('You are number 3');
    expect(run.conversation.flow?.waiting).toBeDefined();
    resumeFlow(flow, run, { text: 'hello?' });
    expect(takeSaid(run)).toEqual([]);
  });

  it('renders a templated team and keeps the timeout in milliseconds', () => {
    const templated = compile(script('  - set: { conversation.team: Billing }\n  - assign: { team: "{{conversation.team}}" }\n    timeout: 90s\n  - say: "Done"\n'));
    const run = newRun();
    startFlow(templated, run);
    expect(run.assigned.map((request) => request.team)).toEqual(['Billing']);
    const assign = templated.steps[1];
    expect(assign?.kind === 'assign' && assign.spec.timeoutMs).toBe(90_000);
    expect(run.conversation.flow?.waiting).toEqual({ retries: 0 });
  });

  it('moves on through on_timeout when the runtime reports the timeout', () => {
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { timedOut: true });
    expect(takeSaid(run)).toEqual(['Nobody was free; we will email you.']);
  });
});
