// Runs a flow for one conversation: from its position, step after step, until a step waits for the
// customer or the flow ends. The position is plain data on the conversation, so a restart resumes exactly.
import type { FieldValue, FlowPosition, TextStyle } from '../store/types.ts';
import type { Choice } from '../types.ts';
import { matchChoice, showChoices, type FlowChoice } from './choices.ts';
import { checkAnswer, ownWords, triesToAnswer } from './expect.ts';
import { PatternTooSlowError } from './patterns.ts';
import { correctedAnswer, correctedText, editedAnswer, keepHeard, labelOf, labelToName, maskedEditText, refusedEditText, refusedEditWhat, removedEditText, unlabelledNameOf } from './heard.ts';
import { readField, writeField, type ExtraFields, type FieldRead, type FieldRef } from './fields.ts';
import { localize, type Localized } from './language.ts';
import { routeChoices } from './steps/classify.ts';
import { stepKind, type StepKindName } from './steps/index.ts';
import type { StepContext, StepOutcome, Waiting } from './steps/step.ts';
import { renderStyled, renderTemplate, templateValue, type Template } from './template.ts';
import type { CompiledFlow, CompiledStep, FlowInput, FlowRun } from './types.ts';

/** Steps one start or resume may run without waiting; past it the flow is stopped rather than left spinning. */
export const MAX_STEPS_PER_TURN = 100;

/**
 * Starts `flow` for the conversation: sets `run.conversation.flow` and runs steps until one waits for the
 * customer or the flow ends.
 *
 *     for (const flow of library.forTrigger('conversation.opened', conversation.source)) startFlow(flow, run);
 *
 * `opening`, of the message that started it: its `album`, whose other files are then no answer to its first question,
 * and what it `said`, which may answer questions of the flow before they are asked (`skip_if_known`).
 */
export function startFlow(flow: CompiledFlow, run: FlowRun, opening: { album?: string; said?: string } = {}): void {
  const { album, said } = opening;
  run.conversation.flow = { flow: flow.name, version: flow.version, step: 0, visits: 1, ...(album !== undefined ? { album } : {}) };
  keepHeard(run.conversation.flow, said);
  proceed(flow, run, undefined);
}

/**
 * Feeds the customer's message to the step the conversation waits on, then runs on until the next wait or
 * the end.
 *
 *     const position = conversation.flow;
 *     const flow = position && (await library.version(position.flow, position.version));
 *     if (flow) resumeFlow(flow, run, { text: message.text, choice: message.choice, attachments: message.attachments });
 */
export function resumeFlow(flow: CompiledFlow, run: FlowRun, input: FlowInput): void {
  const position = run.conversation.flow;
  if (!position || position.done) {
    run.log.warn({ conversation: run.conversation.id, flow: flow.name }, 'resumeFlow called on a conversation that is not in a flow');
    return;
  }
  if (position.flow !== flow.name || position.version !== flow.version) {
    stop(run, position, `conversation is on ${position.flow}@${position.version}, not ${flow.name}@${flow.version}`);
    return;
  }
  // A button of the chat app's own menu (the customer tapping Get Started again while asked for their email) is no
  // answer: taken as one, "Get Started" became their need, or spent a retry of the email question. The question is
  // asked again instead, as it stands: its retries are not reset, nor spent.
  if (input.menu) {
    askWaitingAgain(flow, run);
    return;
  }
  // Handed back while the flow waited on a question (a person took the conversation mid-question: claimed, given by an
  // admin, answered from the business's app): no answer either. Fed to the question, the customer read "Please pick
  // one of the options" with no question; it is asked again. An `assign` step takes the hand back and goes on.
  if (input.handedBack && flow.steps[position.step]?.kind !== 'assign') {
    askWaitingAgain(flow, run);
    return;
  }
  // Four photos sent at once are one answer, right or wrong: the first one answered, the others are kept in the
  // transcript and neither spend the question's retries nor answer the next question.
  if (input.album !== undefined && input.album === position.album) return;
  if (input.album !== undefined) position.album = input.album;
  else delete position.album;
  proceed(flow, run, input);
}

/**
 * Runs the step the conversation waits on afresh (its question sent again), once per question: the channel reported
 * that the question never reached the customer, so their message cannot be its answer. False when it cannot (not
 * waiting, another version, or asked again already), and the message is then taken as the answer.
 *
 *     if (position.waiting?.unseen && askAgain(flow, run)) return; // else resumeFlow(flow, run, input)
 */
export function askAgain(flow: CompiledFlow, run: FlowRun, album?: string): boolean {
  const position = run.conversation.flow;
  if (!position?.waiting || position.waiting.askedAgain || position.done || position.flow !== flow.name || position.version !== flow.version) return false;
  delete position.waiting;
  // The rest of the album the message came with is no answer to the question asked again either.
  if (album !== undefined) position.album = album;
  else delete position.album;
  proceed(flow, run, undefined);
  const asked = run.conversation.flow;
  if (asked?.waiting && !asked.done) asked.waiting = { ...asked.waiting, askedAgain: true };
  return true;
}

/**
 * Takes a customer's edit of a message that answered one of the flow's questions before this one ("My order is 12345"
 * edited to "12346", an email with a typo put right): the answer saved is changed, and the customer told so. False when
 * the edit changes no answer, or the flow is not waiting on a question of this version.
 *
 *     if (correctByEdit(flow, run, 'My order is 12345', 'My order is 12346')) // conversation.order is 12346
 */
export function correctByEdit(flow: CompiledFlow, run: FlowRun, was: string, now: string): boolean {
  const position = run.conversation.flow;
  if (!position?.waiting || position.done || position.flow !== flow.name || position.version !== flow.version) return false;
  const asked = flow.steps.slice(0, position.step).flatMap((step) => (step.kind === 'ask' && step.spec.save ? [{ ctx: stepContext(flow, step, run), expect: step.spec.expect, save: step.spec.save }] : []));
  try {
    const edited = editedAnswer(asked.map(({ ctx, expect, save }) => ({ expect, value: ctx.read(save) })), was, now);
    if (!edited) return false;
    const { ctx, expect, save } = asked[edited.index]!;
    // "sam@example.com" edited to "sam@example": the answer taken stays, and the customer, who sees only the edit, is told.
    if ('refused' in edited) {
      // Taken out of the message on purpose (for privacy): not shown again in the chat.
      run.say({ text: edited.masked ? maskedEditText(expect, run.contact.language) : edited.removed ? removedEditText(expect, run.contact.language) : refusedEditText(expect, ctx.read(save) as FieldValue, run.contact.language) });
      return true;
    }
    ctx.write(save, edited.value);
    run.say({ text: correctedText(edited.value, run.contact.language, labelToName(flow, position.step, save, (field) => ctx.read(field)).label) });
    return true;
  } catch (error) {
    if (error instanceof PatternTooSlowError) return false;
    throw error;
  }
}

/**
 * Takes a customer's correction of an answer the flow saved ("sorry, I meant 12346") written once people have the
 * conversation (queued, with an agent): the answer is changed, and what changed is returned for the agent, who reads
 * the message itself too. Undefined when the text corrects no answer, or the conversation is on no flow of this version.
 * The field is named by its question's label in each desk language, else by its name.
 *
 *     correctAnswer(flow, run, 'sorry, I meant 12346'); // { field: { en: 'Order number', ar: 'رقم الطلب' }, was: '12345', now: '12346' }
 */
export function correctAnswer(flow: CompiledFlow, run: FlowRun, text: string): AnswerChange | undefined {
  const position = run.conversation.flow;
  if (!position || position.flow !== flow.name || position.version !== flow.version) return undefined;
  const read = (field: FieldRef) => readField(field, run.contact, run.conversation);
  try {
    const corrected = correctedAnswer(flow, position.done ? flow.steps.length : position.step, text, read);
    return corrected && changeAnswer(flow, run, corrected.field, corrected.value);
  } catch (error) {
    if (error instanceof PatternTooSlowError) return undefined;
    throw error;
  }
}

/**
 * Takes a customer's edit of a message that answered one of the flow's questions ("My order is 12345" edited to
 * "…12346") once people have the conversation: the answer is changed, and what changed is returned for the agent, as
 * for a correction written (`correctAnswer`). An edit that gives that question no answer it takes ("sam@example.com"
 * edited to "sam@example") changes nothing: the answer kept is returned (`kept`), with what the edit lacks, for the
 * agent, who is the one to tell the customer, and what the bot tells them while no agent holds it (`toCustomer`).
 * Undefined when the edit changes no answer.
 *
 *     correctAnswerByEdit(flow, run, 'My order is 12345', 'My order is 12346'); // { field: { en: 'Order number', … }, was: '12345', now: '12346' }
 *     correctAnswerByEdit(flow, run, 'sam@example.com', 'sam@example'); // { field: { en: 'Email', … }, kept: 'sam@example.com', lacks: { en: 'email address', … } }
 */
export function correctAnswerByEdit(flow: CompiledFlow, run: FlowRun, was: string, now: string): AnswerChange | AnswerKept | undefined {
  const position = run.conversation.flow;
  if (!position || position.flow !== flow.name || position.version !== flow.version) return undefined;
  const read = (field: FieldRef) => readField(field, run.contact, run.conversation);
  const asked = flow.steps.slice(0, position.done ? flow.steps.length : position.step).flatMap((step) => (step.kind === 'ask' && step.spec.save ? [{ expect: step.spec.expect, save: step.spec.save }] : []));
  try {
    const edited = editedAnswer(asked.map(({ expect, save }) => ({ expect, value: read(save) })), was, now);
    if (!edited) return undefined;
    const { expect, save } = asked[edited.index]!;
    if ('refused' in edited) {
      const language = run.contact.language;
      const toCustomer = edited.masked ? maskedEditText(expect, language) : edited.removed ? removedEditText(expect, language) : refusedEditText(expect, read(save) as FieldValue, language);
      return { path: save.path, field: fieldName(flow, save), kept: String(read(save)), lacks: refusedEditWhat(expect), toCustomer, ...(edited.removed ? { removed: true as const } : {}) };
    }
    return changeAnswer(flow, run, save, edited.value);
  } catch (error) {
    if (error instanceof PatternTooSlowError) return undefined;
    throw error;
  }
}

/** An answer of the flow's changed while people have the conversation, the field named in each desk language. */
export interface AnswerChange {
  field: { en: string; ar: string };
  was: string;
  now: string;
}

/** An answer of the flow's an edit gave nothing to replace (`lacks`: what it gave none of), kept while people have the conversation. */
export interface AnswerKept {
  /** The field kept (`contact.email`). */
  path: string;
  field: { en: string; ar: string };
  kept: string;
  lacks: { en: string; ar: string };
  /** The edit took the answer out of the message altogether (`editedAnswer`'s `removed`), rather than mistyping it. */
  removed?: true;
  /** What the customer is told when the bot may speak (the conversation waits in the queue), in their language, as before people had it. */
  toCustomer: string;
}

/** Writes `value` to `field` and says what changed, named by its question's label, else by its name in words. */
function changeAnswer(flow: CompiledFlow, run: FlowRun, field: FieldRef, value: FieldValue): AnswerChange {
  const was = readField(field, run.contact, run.conversation);
  writeField(field, run.contact, run.conversation, value);
  return { field: fieldName(flow, field), was: String(was), now: String(value) };
}

/**
 * `field` named for the agent in each desk language: by its question's label, else by its name in words, in Arabic by
 * what its answer is or the answer to its question (`unlabelledNameOf`).
 */
function fieldName(flow: CompiledFlow, field: FieldRef): { en: string; ar: string } {
  const label = labelOf(flow, field);
  const name = field.name.replaceAll('_', ' ');
  return { en: label ? localize(label, 'en') : unlabelledNameOf(flow, field.path, 'en') ?? name, ar: label ? localize(label, 'ar') : unlabelledNameOf(flow, field.path, 'ar') ?? name };
}

/**
 * Whether the question the conversation waits on takes `input` as its answer, or as a try at one (`triesToAnswer`:
 * a rating typed "4 thanks" is re-asked, as any invalid answer). False for a message that is plainly something else,
 * and for one to a question the channel reported never reached the customer: a survey asked after a close must not
 * swallow the customer's next request. A waiting step of another kind takes what it is given.
 *
 *     if (!takesAnswer(flow, conversation.flow, { text: 'I also have a problem with my invoice' })) // a new request
 */
export function takesAnswer(flow: CompiledFlow, position: FlowPosition, input: FlowInput): boolean {
  if (!position.waiting || position.done || position.waiting.unseen === true) return false;
  const step = flow.steps[position.step];
  if (step?.kind !== 'ask') return true;
  try {
    const answer = checkAnswer(step.spec.expect, input);
    // A question with `otherwise:` keeps words of the customer's own: "the agent never answered my question" to a
    // closing survey's rating is its comment, as its author wrote, not a new conversation.
    return answer.ok || answer.notKept === true || triesToAnswer(step.spec.expect, input)
      || (step.spec.otherwise !== undefined && ownWords(step.spec.expect, input) !== undefined);
  } catch (error) {
    // The step itself reports a `regex:` pattern too slow for the text, when it takes the message.
    if (error instanceof PatternTooSlowError) return true;
    throw error;
  }
}

/**
 * The button of the question waiting at `position` that a typed answer is taken as ("billing", "2" to an `expect:
 * choice` question or a clarify question): its id, or undefined for an answer that is none of them, or a question without buttons.
 *
 *     typedChoice(flow, position, { text: 'Billing' }); // 'billing'
 */
export function typedChoice(flow: CompiledFlow, position: FlowPosition, input: FlowInput): string | undefined {
  if (!position.waiting || position.done || position.waiting.unseen === true || input.choice !== undefined || input.text === undefined) return undefined;
  const step = flow.steps[position.step];
  // A clarify question's buttons are its routes; words it routes by instead ("my card was charged twice") are no button.
  if (step?.kind === 'classify') return matchChoice(routeChoices(step.spec), input)?.id;
  if (step?.kind !== 'ask' || step.spec.expect.type !== 'choice') return undefined;
  try {
    const answer = checkAnswer(step.spec.expect, input);
    return answer.ok && typeof answer.value === 'string' ? answer.value : undefined;
  } catch (error) {
    if (error instanceof PatternTooSlowError) return undefined;
    throw error;
  }
}

/**
 * Names the question a conversation's flow asks at `position`: stored beside the bot's message that offers its buttons,
 * so that a button pressed later (scrolled up to, an old notification) is known to be of this question or of another.
 * The same question asked again (an invalid answer, a handback to it) has the same name: its earlier buttons still answer
 * it. The flow coming back to it (a `goto` loop: "Return another item?") asks it afresh, under another name (`~visits`):
 * the buttons of its earlier asking were answered.
 *
 *     message.asks === questionOf(conversation.flow); // the button is of the question waiting now
 */
export function questionOf(position: Pick<FlowPosition, 'flow' | 'version' | 'step' | 'visits'>): string {
  return `${position.flow}@${position.version}#${position.step}${position.visits !== undefined ? `~${position.visits}` : ''}`;
}

/**
 * The flow, version and step a question's name (`questionOf`) names; undefined for a name it did not write.
 *
 *     readQuestion(message.asks)?.flow; // 'inbound'
 */
export function readQuestion(asks: string): Pick<FlowPosition, 'flow' | 'version' | 'step'> | undefined {
  const match = /^(.*)@([^@#]*)#(\d+)(?:~\d+)?$/.exec(asks);
  return match ? { flow: match[1]!, version: match[2]!, step: Number(match[3]) } : undefined;
}

/**
 * Whether some step of `flow` offers a button with this id: a question's choice, a routing question's route, a
 * `say`'s button. False once an admin removed the question (or its choice) from the flow in service.
 *
 *     offersChoice(flows.inService().find((flow) => flow.name === 'inbound')!, 'billing'); // true
 */
export function offersChoice(flow: CompiledFlow, choice: string): boolean {
  return flow.steps.some((step) => {
    if (step.kind === 'ask') return step.spec.expect.type === 'choice' && step.spec.expect.choices.some((option) => option.id === choice);
    if (step.kind === 'classify') return step.spec.routes.some((route) => route.intent === choice);
    if (step.kind === 'say') return step.spec.choices?.some((option) => option.id === choice) ?? false;
    return false;
  });
}

/**
 * Says the question the conversation waits on unsaid (`waiting.unsaid`), when the customer's messages written before
 * they could read it are all in and none answered it. False when none waits unsaid.
 *
 *     if (!inbound.followed) sayUnsaid(flow, run);
 */
export function sayUnsaid(flow: CompiledFlow, run: FlowRun): boolean {
  const position = run.conversation.flow;
  if (!position?.waiting?.unsaid || position.done || position.flow !== flow.name || position.version !== flow.version) return false;
  askWaitingAgain(flow, run);
  return true;
}

/** Runs the step the conversation waits on afresh (its question sent again), keeping what its waiting counted. */
function askWaitingAgain(flow: CompiledFlow, run: FlowRun): void {
  const position = run.conversation.flow!;
  const { waiting } = position;
  if (!waiting) return;
  const { step } = position;
  delete position.waiting;
  delete position.album;
  proceed(flow, run, undefined);
  const asked = run.conversation.flow;
  if (asked?.waiting && !asked.done && asked.step === step) {
    asked.waiting = { ...asked.waiting, retries: waiting.retries, ...(waiting.askedAgain ? { askedAgain: true as const } : {}) };
  }
}

function proceed(flow: CompiledFlow, run: FlowRun, answer: FlowInput | undefined): void {
  const position = run.conversation.flow!;
  let input = answer;
  for (let executed = 0; ; executed++) {
    const step = flow.steps[position.step];
    if (!step) {
      finish(position);
      return;
    }
    if (executed === MAX_STEPS_PER_TURN) {
      stop(run, position, `flow "${flow.name}" ran ${MAX_STEPS_PER_TURN} steps without waiting for the customer; stopped at ${flow.file}:${step.line} (a goto loop?)`);
      return;
    }
    let outcome: StepOutcome;
    try {
      outcome = runStep(flow, step, run, position, input);
    } catch (error) {
      stop(run, position, `step at ${flow.file}:${step.line} failed: ${(error as Error).message}`);
      return;
    }
    input = undefined;
    if (outcome === 'next') {
      position.step += 1;
      position.visits = (position.visits ?? 0) + 1;
      delete position.waiting;
    } else if (outcome === 'end') {
      finish(position);
      return;
    } else if ('goto' in outcome) {
      position.step = outcome.goto;
      position.visits = (position.visits ?? 0) + 1;
      delete position.waiting;
    } else {
      position.waiting = outcome.wait;
      return;
    }
  }
}

// A waiting step gets the customer's answer through `resume`; any other step (or a fresh one) `run`s.
function runStep(flow: CompiledFlow, step: CompiledStep, run: FlowRun, position: FlowPosition, input: FlowInput | undefined): StepOutcome {
  const ctx = stepContext(flow, step, run);
  if (!position.waiting || !input) return start(step, ctx);
  const outcome = resume(step, ctx, input, position.waiting);
  if (outcome) return outcome;
  run.log.warn({ flow: flow.name, step: position.step, kind: step.kind }, `${step.kind} steps cannot take an answer; going on`);
  return 'next';
}

// Generic in the kind, so the step's spec goes to its own kind's runner.
function start<K extends StepKindName>(step: CompiledStep<K>, ctx: StepContext): StepOutcome {
  return stepKind(step.kind).runner.run(step.spec, ctx);
}

// Undefined when the kind takes no answers.
function resume<K extends StepKindName>(step: CompiledStep<K>, ctx: StepContext, input: FlowInput, waiting: Waiting): StepOutcome | undefined {
  const { runner } = stepKind(step.kind);
  return runner.resume?.(step.spec, ctx, input, waiting);
}

/**
 * A step's view of its run. A class rather than an object of arrow functions: its methods exist once, not once
 * per step run (each such closure is an allocation, and under tsx a property definition naming it).
 */
class RunContext implements StepContext {
  constructor(
    readonly run: FlowRun,
    readonly flow: CompiledFlow,
    readonly step: CompiledStep,
  ) {}

  render(template: Template, extra?: ExtraFields): string {
    return renderTemplate(template, this.run.contact, this.run.conversation, extra);
  }

  text(text: Localized<Template>, extra?: ExtraFields): string {
    const { contact, conversation } = this.run;
    // Customers read a team by its title (`الفواتير`), never by the name flows and team.yaml route by.
    const team: ExtraFields = conversation.team !== undefined && this.run.teamTitle ? { 'conversation.team': this.run.teamTitle(conversation.team, contact.language) } : {};
    return renderTemplate(localize(text, contact.language), contact, conversation, { ...team, ...extra });
  }

  styled(text: Localized<Template>, extra?: ExtraFields): { text: string; styles?: TextStyle[] } {
    const { contact, conversation } = this.run;
    const team: ExtraFields = conversation.team !== undefined && this.run.teamTitle ? { 'conversation.team': this.run.teamTitle(conversation.team, contact.language) } : {};
    const styled = renderStyled(localize(text, contact.language), contact, conversation, { ...team, ...extra });
    return styled.styles.length > 0 ? styled : { text: styled.text };
  }

  choices(choices: readonly FlowChoice[]): Choice[] {
    return showChoices(choices, this.run.contact.language);
  }

  localize<T>(text: Localized<T>): T {
    return localize(text, this.run.contact.language);
  }

  value(template: Template): FieldValue {
    return templateValue(template, this.run.contact, this.run.conversation);
  }

  read(field: FieldRef): FieldRead {
    return readField(field, this.run.contact, this.run.conversation);
  }

  write(field: FieldRef, value: FieldValue): void {
    writeField(field, this.run.contact, this.run.conversation, value);
  }

  indexOf(id: string): number {
    const index = this.flow.stepIndex.get(id);
    if (index === undefined) throw new Error(`no step with id "${id}"`);
    return index;
  }
}

function stepContext(flow: CompiledFlow, step: CompiledStep, run: FlowRun): StepContext {
  return new RunContext(run, flow, step);
}

function finish(position: FlowPosition): void {
  position.done = true;
  delete position.waiting;
}

function stop(run: FlowRun, position: FlowPosition, message: string): void {
  finish(position);
  position.error = message;
  run.log.error({ conversation: run.conversation.id, flow: position.flow, version: position.version, step: position.step }, message);
}
