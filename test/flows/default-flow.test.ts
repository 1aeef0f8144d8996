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
    expect(takeSaid(run)).toEqual(["That doesn't look like an email address. Please write it like name@example.com."]);
    resumeFlow(flow, run, { text: 'Mona@Example.com' });
    expect(takeSaid(run)).toEqual(['How can we help you today?']);
    resumeFlow(flow, run, { text: 'I was charged twice' });
    expect(run.conversation).toMatchObject({ intent: 'billing', team: 'Billing' });
    expect(run.assigned.map((request) => request.team)).toEqual(['Billing']);
    expect(run.assigned[0]?.queuedText?.(2).text).toMatch(/you are number 2 in line/);
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

  it('speaks Arabic to a contact whose language is Arabic: greeting, questions, invalid text, clarify buttons, queue', () => {
    const run = newRun({ name: 'ليلى', language: 'ar' });
    run.classifier = () => ({ intent: 'billing', confidence: 0.2 });
    startFlow(flow, run);
    expect(takeSaid(run)).toEqual(['مرحبًا ليلى! شكرًا لتواصلك معنا.', 'هل يمكنك تزويدنا بعنوان بريدك الإلكتروني لنتمكن من متابعتك عند الحاجة؟']);
    resumeFlow(flow, run, { text: 'layla at example' });
    expect(takeSaid(run)).toEqual(['لا يبدو هذا عنوان بريد إلكتروني صحيحًا. يُرجى كتابته بهذا الشكل: name@example.com']);
    resumeFlow(flow, run, { text: 'layla@example.com' });
    expect(takeSaid(run)).toEqual(['كيف يمكننا مساعدتك اليوم؟']);
    resumeFlow(flow, run, { text: 'عندي سؤال' });
    expect(run.said).toEqual([{
      text: 'هل استفسارك بخصوص الفواتير، أم مشكلة فنية، أم عملية شراء؟',
      choices: [{ id: 'billing', title: 'الفواتير' }, { id: 'tech_support', title: 'الدعم الفني' }, { id: 'sales', title: 'المبيعات' }],
    }]);
    takeSaid(run);
    resumeFlow(flow, run, { text: 'لا أعرف' });
    expect(takeSaid(run)).toEqual(['يُرجى اختيار أحد الخيارات (يمكنك أيضًا كتابة رقمه).']);
    resumeFlow(flow, run, { text: 'الدعم الفني' });
    expect(run.conversation).toMatchObject({ intent: 'tech_support', team: 'Support' });
    // The team named, as the English text names it ("Nobody on our Support team is free right now").
    expect(run.assigned[0]?.queuedText?.(3).text).toBe('لا يوجد أحد من فريق Support متاح حاليًا، وترتيبك 3 في قائمة الانتظار. يُرجى البقاء هنا، وسنكون معك قريبًا.');
  });

  it('speaks Arabic to a regional Arabic tag and English to a language it does not have', () => {
    const egyptian = newRun({ language: 'ar-EG', fields: { email: 'omar@example.com' } });
    startFlow(flow, egyptian);
    expect(takeSaid(egyptian)).toEqual(['مرحبًا بك! شكرًا لتواصلك معنا.', 'كيف يمكننا مساعدتك اليوم؟']);
    const french = newRun({ language: 'fr', fields: { email: 'omar@example.com' } });
    startFlow(flow, french);
    expect(takeSaid(french)).toEqual(['Hi there! Thanks for getting in touch.', 'How can we help you today?']);
  });

  it('takes a returning customer\'s first message as their need, without asking it again', () => {
    const run = newRun({ name: 'Mona', fields: { email: 'mona@example.com' } }, { fields: { first_message: 'I was charged twice for my order' } });
    run.classifier = (text) => (text.includes('charged') ? { intent: 'billing', confidence: 0.9 } : undefined);
    startFlow(flow, run);
    expect(takeSaid(run)).toEqual(['Hi Mona! Thanks for getting in touch.']);
    expect(run.conversation.fields.need).toBe('I was charged twice for my order');
    expect(run.conversation).toMatchObject({ intent: 'billing', team: 'Billing' });
    expect(run.assigned.map((request) => request.team)).toEqual(['Billing']);
  });

  it('words its notices in English and Arabic', () => {
    expect(Object.keys(flow.notices).sort()).toEqual(['assigned', 'auto_closed', 'closed', 'handed_back', 'queue_moved', 'still_queued', 'transferred']);
    for (const notice of Object.values(flow.notices)) expect([...notice.variants.keys()]).toEqual(['en', 'ar']);
  });
});
