// The shipped flow's "Is there anything else?" (after an agent hands the customer back) answered by typing, as
// customers do on every channel (and must on WhatsApp Web, where choices are a numbered list).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { FlowLibrary, resumeFlow, startFlow, type CompiledFlow } from '../../src/flows/index.ts';
import { memoryLog, newRun, takeSaid, tempFlowDirs } from './helpers.ts';

const shipped = fileURLToPath(new URL('../../data/flows', import.meta.url));

describe('the shipped flow, "anything else?" typed', () => {
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

  it.each([['no', 'en'], ['No', 'en'], ['لا', 'ar'], ['no thanks', 'en'], ['No thank you!', 'en'], ['لا شكرًا', 'ar']])('a typed %j is taken as "no", not answered "Please pick one of the options"', (typed, language) => {
    const run = newRun({ name: 'Mona', fields: { email: 'mona@example.com' }, ...(language === 'ar' ? { language: 'ar' } : {}) });
    run.classifier = () => ({ intent: 'billing', confidence: 0.9 });
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'I was charged twice' });
    takeSaid(run);
    // The agent hands the customer back: the flow goes on after the assign step.
    resumeFlow(flow, run, { handedBack: true });
    takeSaid(run);
    resumeFlow(flow, run, { text: typed });
    const said = takeSaid(run);
    expect(run.conversation.fields.anything_else).toBe('no');
  });
});
