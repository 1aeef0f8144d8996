import { describe, expect, it } from 'vitest';
import { MAX_STEPS_PER_TURN, resumeFlow, startFlow } from '../../src/flows/index.ts';
import { compile, newRun, script, takeSaid } from './helpers.ts';

describe('running a flow', () => {

  it('stops a run that spins without waiting, with a clear error instead of hanging', () => {
    // Passes the load check (the ask could wait) but spins once the email is known.
    const flow = compile(script('  - id: top\n    ask: "Email?"\n    save: contact.email\n    skip_if_known: true\n  - goto: top\n'));
    const run = newRun({ fields: { email: 'mona@example.com' } });
    startFlow(flow, run);
    expect(run.conversation.flow).toMatchObject({ done: true });
    expect(run.conversation.flow?.error).toBe(
      `flow "test" ran ${MAX_STEPS_PER_TURN} steps without waiting for the customer; stopped at flows/test.yaml:4 (a goto loop?)`,
    );
    expect(run.logs).toContainEqual(expect.objectContaining({ level: 'error', msg: run.conversation.flow?.error }));
  });

  it('treats a position past the last step as done', () => {
    const flow = compile(script('  - ask: "Need?"\n'));
    const run = newRun();
    run.conversation.flow = { flow: flow.name, version: flow.version, step: 5, waiting: { retries: 0 } };
    resumeFlow(flow, run, { text: 'hello' });
    expect(run.conversation.flow).toEqual({ flow: flow.name, version: flow.version, step: 5, done: true });
    expect(run.said).toEqual([]);
  });

  it('ends after the last step', () => {
    const flow = compile(script('  - say: "Only"\n'));
    const run = newRun();
    startFlow(flow, run);
    expect(run.conversation.flow).toEqual({ flow: 'test', version: flow.version, step: 1, visits: 2, done: true });
  });

  it('does nothing when the conversation is not in a flow or its flow is done', () => {
    const flow = compile(script('  - say: "Only"\n'));
    const run = newRun();
    resumeFlow(flow, run, { text: 'hi' });
    run.conversation.flow = { flow: flow.name, version: flow.version, step: 1, done: true };
    resumeFlow(flow, run, { text: 'hi' });
    expect(run.said).toEqual([]);
    expect(run.logs.map((line) => line.level)).toEqual(['warn', 'warn']);
  });

  it('refuses to resume on another version than the conversation started on', () => {
    const v1 = compile(script('  - ask: "Need?"\n'));
    const v2 = compile(script('  - ask: "What do you need?"\n'));
    const run = newRun();
    startFlow(v1, run);
    resumeFlow(v2, run, { text: 'x' });
    expect(run.conversation.flow?.done).toBe(true);
    expect(run.conversation.flow?.error).toBe(`conversation is on test@${v1.version}, not test@${v2.version}`);
  });

  it('runs on from a position that does not wait (the answer is not fed to it)', () => {
    const flow = compile(script('  - say: "One"\n  - say: "Two"\n'));
    const run = newRun();
    run.conversation.flow = { flow: flow.name, version: flow.version, step: 1 };
    resumeFlow(flow, run, { text: 'hi' });
    expect(takeSaid(run)).toEqual(['Two']);
  });

  it('stops the flow with an error when a step runner throws', () => {
    const flow = compile(script('  - classify: conversation.intent\n    routes: { billing: Billing }\n  - say: "Never"\n'));
    const run = newRun();
    run.classifier = () => {
      throw new Error('model not loaded');
    };
    startFlow(flow, run);
    expect(run.conversation.flow).toMatchObject({ done: true, error: 'step at flows/test.yaml:4 failed: model not loaded' });
    expect(run.said).toEqual([]);
  });
});
