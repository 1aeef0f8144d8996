import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowLibrary, resumeFlow, startFlow, type CompiledFlow } from '../../src/flows/index.ts';
import { memoryLog, newRun, takeSaid, tempFlowDirs } from './helpers.ts';

const shipped = fileURLToPath(new URL('../../data/flows', import.meta.url));

describe('the shipped inbound flow', () => {
  let dirs: Awaited<ReturnType<typeof tempFlowDirs>>;
  let library: FlowLibrary;
  let flow: CompiledFlow;

  beforeEach(async () => {
    dirs = await tempFlowDirs();
    library = await FlowLibrary.load({ dir: shipped, store: dirs.store, log: memoryLog(), watch: false });
    flow = library.forTrigger('conversation.opened', 'contact')[0]!;
  });
  afterEach(async () => {
    library.close();
    await dirs.remove();
  });

  it('loads without errors', async () => {
    expect(library.errors()).toEqual([]);
    expect(flow.name).toBe('inbound');
    expect(flow.source).toBe(await readFile(`${shipped}/inbound.yaml`, 'utf8'));
  });

  it('greets, asks the email (again when invalid) and the need, routes it with NLP and hands over to that team', () => {
    const run = newRun({ name: 'Mona' });
    run.classifier = (text) => (text.includes('charged') ? { intent: 'billing', confidence: 0.9 } : undefined);
    startFlow(flow, run);
    expect(takeSaid(run)).toEqual(['Hi Mona! Thanks for getting in touch.', "What's your email address, in case we need to follow up?"]);
    resumeFlow(flow, run, { text: 'mona at example' });
    expect(takeSaid(run)).toEqual(["Hmm, that doesn't look like an email address. Could you check it? (like name@example.com)"]);
    resumeFlow(flow, run, { text: 'Mona@Example.com' });
    expect(takeSaid(run)).toEqual(['How can we help you today?']);
    resumeFlow(flow, run, { text: 'I was charged twice' });
    expect(run.conversation).toMatchObject({ intent: 'billing', team: 'Billing' });
    expect(run.assigned.map((request) => request.team)).toEqual(['Billing']);
    expect(run.assigned[0]?.queuedText?.(2)).toMatch(/you are number 2 in line/);
    expect(run.contact.fields).toEqual({ email: 'mona@example.com' });
    expect(run.conversation.fields).toEqual({ need: 'I was charged twice' });
    expect(run.conversation.flow?.waiting).toBeDefined();
  });

  it('asks with buttons when the model is unsure, and the button picks the team', () => {
    const run = newRun({ fields: { email: 'mona@example.com' } });
    run.classifier = () => ({ intent: 'sales', confidence: 0.3 });
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'hmm' });
    expect(run.said.at(-1)?.choices?.map((choice) => choice.title)).toEqual(['Billing', 'Support', 'Sales']);
    resumeFlow(flow, run, { choice: 'tech_support' });
    expect(run.assigned.map((request) => request.team)).toEqual(['Support']);
  });

  it('greets a nameless contact as "there" and does not ask a known email again', () => {
    const run = newRun({ fields: { email: 'mona@example.com' } });
    startFlow(flow, run);
    expect(takeSaid(run)).toEqual(['Hi there! Thanks for getting in touch.', 'How can we help you today?']);
  });
});
