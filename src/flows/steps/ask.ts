// `ask`: the bot asks, waits for the answer, checks it against `expect`, re-asks on an invalid answer
// (`retries`, `invalid`), then saves it or gives up (`failed`, `on_fail`). Photos, files and locations answer
// `expect: image | file | location` only, saved as a reference (`media:<ref>`, `"<lat>,<lon>"`).
import { z } from 'zod';
import { acceptsAnyAnswer, acceptsNoAnswer, type AnyAnswer, type NoAnswer } from '../any-answer.ts';
import { besideAnswer, besideKnown } from '../beside.ts';
import { saysMoreThanHello } from '../../shared/small-talk.ts';
import { answerWithin, correctedAnswer, correctedText, keepHeard, labelToName, readsAsCorrection, takeHeard } from '../heard.ts';
import { choiceAmongWords, choicesSchema, compileChoices } from '../choices.ts';
import { COMMON_TRIED, matchesNothing } from '../never-matches.ts';
import { checkAnswer, declinesToAnswer, EXPECT_TYPES, isAttachmentExpect, isPhoneCountry, ownWords, triesToAnswer, type AttachmentExpect, type Expect } from '../expect.ts';
import { BUILTIN_FIELDS, isKnown, parseFieldPath, writeRefusal, type FieldRef } from '../fields.ts';
import { labelSchema } from '../labels.ts';
import { defaultFailedText, defaultInvalidText } from '../refusals.ts';
import { localizedSchema, type Localized } from '../language.ts';
import { suggest } from '../../shared/suggest.ts';
import type { Template } from '../template.ts';
import { routedReading } from './classify.ts';
import { compileJump, jumpOutcome, jumpTargets, type Jump } from './jump.ts';
import { defineStep, type CompileContext, type StepContext, type StepOutcome } from './step.ts';
import type { FlowInput } from '../types.ts';
import type { FieldValue, TextStyle } from '../../store/types.ts';
import { PatternTooSlowError } from '../patterns.ts';

/** A compiled `ask` step. */
export interface AskStep {
  question: Localized<Template>;
  expect: Expect;
  save?: FieldRef;
  skipIfKnown: boolean;
  /** Invalid answers re-asked before `onFail`. */
  retries: number;
  /** The re-ask after an invalid answer; when absent, Switchboard's own, per expect type and what was wrong (`refusals.ts`). */
  invalid?: Localized<Template>;
  /** Said when the last try fails, before `onFail`; `""` says nothing. A default when absent and `onFail` continues. */
  failed?: Localized<Template>;
  onFail: Jump;
  /** For `expect: choice`: where an answer in words that is none of the choices goes, instead of being refused. */
  otherwise?: Otherwise;
}

/** A compiled `otherwise:`: the field the customer's words are saved to, and the step the flow goes on at (else the next). */
export interface Otherwise {
  save: FieldRef;
  goto?: string;
}

const DEFAULT_RETRIES = 2;

const shape = {
  ask: localizedSchema(z.string().min(1, 'ask needs a question')),
  expect: z.string().optional(),
  save: z.string().optional(),
  skip_if_known: z.boolean().optional(),
  retries: z.number().int().min(0).max(10).optional(),
  invalid: localizedSchema(z.string().min(1, 'invalid needs a text')).optional(),
  failed: localizedSchema(z.string()).optional(),
  on_fail: z.string().optional(),
  choices: choicesSchema.optional(),
  country: z.string().optional(),
  example: z.string().min(1, 'example needs a text').optional(),
  label: labelSchema.optional(),
  otherwise: z.object({ save: z.string(), goto: z.string().optional() }).strict().optional(),
};

/** `- ask: "What is your email address?"` with `expect`, `save`, `label`, `skip_if_known`, `retries`, `invalid`, `example`, `failed`, `on_fail`, `otherwise`. */
export const askStep = defineStep({
  kind: 'ask',
  shape,
  compile(step, ctx): AskStep {
    const spec: AskStep = {
      question: ctx.text(step.ask, ['ask']),
      expect: compileExpect(step, ctx),
      skipIfKnown: step.skip_if_known ?? false,
      retries: step.retries ?? DEFAULT_RETRIES,
      onFail: compileJump(step.on_fail ?? 'continue', ['on_fail'], ['continue', 'assign'], ctx),
    };
    if (step.save !== undefined) spec.save = ctx.writeField(step.save, ['save']);
    else if (spec.skipIfKnown) ctx.error(['skip_if_known'], 'skip_if_known needs a save: field to look at', 'add save: contact.<field>', { kind: 'keyNeedsKey', name: 'skip_if_known', needs: 'save', example: 'save: contact.<field>' });
    if (step.invalid !== undefined) spec.invalid = ctx.text(step.invalid, ['invalid']);
    if (step.failed !== undefined) spec.failed = ctx.text(step.failed, ['failed']);
    if (step.label !== undefined) {
      if (spec.save) ctx.label(spec.save, step.label, ['label']);
      else ctx.error(['label'], 'label: names the field save: writes, and this question saves nothing', 'add save: conversation.<field>, or remove label:', { kind: 'labelWithoutSave' });
    }
    if (step.otherwise !== undefined) {
      // Words in place of a button mean something only where buttons are the answer.
      if ((step.expect ?? 'text').trim() !== 'choice') {
        ctx.error(['otherwise'], 'otherwise goes with expect: choice', 'add expect: choice, or remove otherwise:', { kind: 'keyNeedsKey', name: 'otherwise', needs: 'expect: choice', example: 'expect: choice' });
      }
      spec.otherwise = { save: ctx.writeField(step.otherwise.save, ['otherwise', 'save']) };
      if (step.otherwise.goto !== undefined) spec.otherwise.goto = ctx.target(step.otherwise.goto.trim(), ['otherwise', 'goto']);
    }
    return spec;
  },
  exits: (spec) => ({ gotos: [...jumpTargets(spec.onFail), ...(spec.otherwise?.goto !== undefined ? [spec.otherwise.goto] : [])], fallsThrough: true, mayWait: true }),
  runner: {
    run(spec, ctx) {
      if (spec.skipIfKnown && spec.save) {
        // Written already in this conversation ("hi I'm sam@example.com, order #12345 was charged twice", or given to
        // the question before): taken from there, newer than what the field held ("my new email is …").
        const written = takeHeard(spec.expect, ctx.run.conversation.flow);
        if (written !== undefined) {
          ctx.write(spec.save, written.value);
          needBesideOpening(spec, ctx, written.text);
          noNeedInAnswer(spec, ctx, written.value);
          return 'next';
        }
        if (isKnown(ctx.read(spec.save))) return 'next';
      }
      // Her next message is in already, written before she could read this: it may be the answer ("hi",
      // "sheena@example.com", "my parcel never came" in one batch), and a question for what she just gave is not said.
      if (ctx.run.followed) return { wait: { retries: 0, unsaid: true } };
      say(ctx.styled(spec.question), spec, ctx);
      return { wait: { retries: 0 } };
    },
    resume(spec, ctx, input, waiting) {
      // Not said yet, and her message written before she could read it: taken when it answers it ("hi",
      // "sheena@example.com" in one batch: the email question is never said); else it is no answer to a question she
      // never saw (nor is a button, pressed on an earlier one), but words written before it (the need for the
      // questions after), and the question is said now (or waits on, when her next message is in already).
      if (waiting.unsaid && (input.choice !== undefined || (!triesToAnswer(spec.expect, input) && !checkAnswer(spec.expect, input).ok))) {
        passOn(spec, ctx, input.choice === undefined ? input.text : undefined);
        if (ctx.run.followed) return { wait: waiting };
        say(ctx.styled(spec.question), spec, ctx);
        return { wait: { retries: waiting.retries } };
      }
      // "Sorry, I meant 12346": the answer to a question before this one is changed, and this one is asked again.
      const corrected = correction(spec, ctx, input);
      if (corrected !== undefined) {
        ctx.run.say({ text: correctedText(corrected.value, ctx.run.contact.language, corrected.label) });
        say(ctx.styled(spec.question), spec, ctx);
        return { wait: waiting };
      }
      keepNeedBeside(spec, ctx, input.text);
      // "Yes, refund" to "Anything else?": the need, said after the choice that announces it, is kept where the flow wants it.
      const text = input.text?.trim() ?? '';
      if (spec.otherwise && spec.expect.type === 'choice' && input.choice === undefined && choiceAmongWords(spec.expect.choices, text)?.ownWords) {
        return goOtherwise(spec.otherwise, text, ctx);
      }
      const typed = input.choice === undefined ? input.text : undefined;
      // "It's #12345" to "What's your order number?" answers it: the one word the pattern takes, with a digit.
      const within = spec.expect.type === 'regex' && typed !== undefined ? answerWithin(spec.expect, typed) : undefined;
      const answer = within ? { ok: true as const, value: within.value } : checkAnswer(spec.expect, input);
      if (answer.ok) {
        if (spec.save) ctx.write(spec.save, answer.value);
        // "sam@example.com, order 12345": what is beside the email may answer a question after this one, and so may a
        // need in words ("order 12345 never came, write to sam@example.com").
        if (typed !== undefined) keepHeard(ctx.run.conversation.flow, spec.expect.type === 'text' ? typed : answerWithin(spec.expect, typed)?.rest);
        return 'next';
      }
      // Known since it was asked (an admin typed it into the contact, from a phone call): what the customer wrote is
      // no answer to a question that no longer needs one, and asking it again would ask what we know.
      if (spec.skipIfKnown && spec.save && isKnown(ctx.read(spec.save))) {
        passOn(spec, ctx, typed);
        return 'next';
      }
      // "Yes, my invoice address is wrong too": no wrong pick, but what the customer needs, kept where the flow wants it.
      const words = spec.otherwise && ownWords(spec.expect, input);
      if (spec.otherwise && words !== undefined) return goOtherwise(spec.otherwise, words, ctx);
      // "No thanks": asking again would only tell them that is not an email address; they are let go at once.
      const declined = declinesToAnswer(spec.expect, input);
      // The order number given when asked the email answers the order number question, when it comes.
      if (!declined) keepHeard(ctx.run.conversation.flow, typed);
      if (waiting.retries < spec.retries && !declined) {
        // A file that was not kept was the right kind of answer, and the runtime tells the customer why it was
        // not kept; the invalid text ("that is not a photo") would be wrong, the question itself is not.
        const again = answer.notKept ? spec.question : spec.invalid;
        if (again) {
          say(ctx.styled(again), spec, ctx);
          return { wait: { retries: waiting.retries + 1 } };
        }
        // The same mistake twice in a row is told shorter the second time, as a person would, not word for word again.
        const refused = answer.why ?? spec.expect.type;
        say({ text: ctx.localize(defaultInvalidText(spec.expect, answer.why, waiting.refused === refused)) }, spec, ctx);
        return { wait: { retries: waiting.retries + 1, refused } };
      }
      // Going on without a word, the next question reads as if this answer had been taken; a jump leads to the
      // flow's own words (a say, a person), which this one would contradict.
      const failed = spec.failed ? ctx.styled(spec.failed) : { text: spec.onFail.to === 'continue' ? ctx.localize(defaultFailedText(spec.expect, declined)) : '' };
      if (failed.text !== '') ctx.run.say(failed);
      return jumpOutcome(spec.onFail, ctx);
    },
  },
});

function compileExpect(step: z.output<z.ZodObject<typeof shape>>, ctx: CompileContext): Expect {
  const expect = (step.expect ?? 'text').trim();
  if (isAttachmentExpect(expect)) return compileAttachmentExpect(expect, step, ctx);
  if (step.choices && expect !== 'choice') {
    ctx.error(['choices'], 'choices go with expect: choice', 'add expect: choice', { kind: 'keyNeedsKey', name: 'choices', needs: 'expect: choice', example: 'expect: choice' });
  }
  if (step.country !== undefined && expect !== 'phone') {
    ctx.error(['country'], 'country goes with expect: phone', 'add expect: phone', { kind: 'keyNeedsKey', name: 'country', needs: 'expect: phone', example: 'expect: phone' });
  }
  if (step.example !== undefined && !expect.startsWith('regex:')) {
    ctx.error(
      ['example'], 'example goes with expect: regex:<pattern>', expect === 'text' ? 'add expect: regex:<pattern>, or remove example:' : `expect: ${expect} shows its own example; remove example:`,
      { kind: 'keyNeedsKey', name: 'example', needs: 'expect: regex:<pattern>', example: 'expect: regex:ORD-\\d{4}' },
    );
  }
  if (expect.startsWith('regex:')) {
    // The whole answer must match: an order number pattern should not accept a sentence containing one.
    const written = expect.slice('regex:'.length);
    const pattern = ctx.regex(written, '', ['expect']);
    const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags);
    const none = acceptsNoAnswer(written, whole);
    if (none) {
      ctx.error(
        ['expect'], NO_ANSWER[none](written), 'write what an answer must look like after regex:, e.g. regex:ORD-\\d{4}; to take any answer, write expect: text',
        { kind: 'onlyEmptyAnswer', pattern: written, blank: none === 'blank' },
      );
    }
    const nothing = none ? undefined : matchesNothing(written, whole);
    if (nothing && 'because' in nothing) {
      ctx.error(
        ['expect'], `the pattern "${written}" takes no answer at all: ${nothing.because}; whatever the customer writes, they are asked again until on_fail`, 'write what an answer must look like after regex:, e.g. regex:ORD-\\d{4}',
        { kind: 'neverMatches', of: 'answer', pattern: written, because: nothing.because },
      );
    } else if (nothing) {
      const tried = nothing.tried.map((text) => JSON.stringify(text)).join(', ');
      ctx.warn(
        ['expect'], `no answer tried passes the pattern "${written}" (${tried ? `${tried}, ` : ''}${COMMON_TRIED.join(', ')} and others): if none can, whatever the customer writes, they are asked again until on_fail`,
        'check the pattern against an answer a customer would write', { kind: 'noneTriedPasses', of: 'answer', pattern: written, tried: [...nothing.tried, ...COMMON_TRIED] },
      );
    }
    const takes = acceptsAnyAnswer(written, whole);
    if (takes) ctx.warn(['expect'], ANY_ANSWER[takes], 'to take any answer, write expect: text; to check one, write what it must look like, e.g. regex:ORD-\\d{4}', { kind: 'takesAnyAnswer', oneLine: takes === 'one line' });
    const example = step.example?.trim();
    // Said only of a pattern nothing else is said of: one that takes any answer, or none, is the thing to fix first.
    if (example === undefined && step.invalid === undefined && !none && !nothing && !takes) {
      ctx.warn(
        ['expect'], 'a customer whose answer this pattern refuses is told only "That doesn\'t look right…", which does not say what to write',
        'add example: with an answer the pattern takes (e.g. example: ORD-1234), or invalid: with your own words', { kind: 'regexUnexplained', pattern: written },
      );
    }
    if (example === undefined) return { type: 'regex', pattern: whole };
    // Shown to a customer as what to write, an example the question itself refuses would send them round in circles.
    if (!none && !(nothing && 'because' in nothing) && !takesExample(whole, example)) {
      ctx.error(
        ['example'], `the example "${example}" does not match the pattern "${written}": a customer who writes it is refused`, 'write an answer the pattern takes, as a customer would type it',
        { kind: 'exampleRefused', example, pattern: written },
      );
    }
    return { type: 'regex', pattern: whole, example };
  }
  switch (expect) {
    case 'text': case 'email': case 'number': case 'date':
      return { type: expect };
    case 'phone':
      if (step.country === undefined) return { type: 'phone' };
      if (isPhoneCountry(step.country)) return { type: 'phone', country: step.country };
      ctx.error(['country'], `"${step.country}" is not a country code`, 'use a two-letter code like EG, US or GB', { kind: 'badCountry', value: step.country });
      return { type: 'phone' };
    case 'choice':
      if (!step.choices) {
        ctx.error(
          ['expect'], 'expect: choice needs choices', 'add choices: [Billing, Technical problem]',
          { kind: 'keyNeedsKey', name: 'expect: choice', needs: 'choices', example: 'choices: [Billing, Technical problem]' },
        );
        return { type: 'choice', choices: [] };
      }
      return { type: 'choice', choices: compileChoices(step.choices, ['choices'], ctx) };
  }
  const suggestion = suggest(expect, EXPECT_TYPES);
  ctx.error(
    ['expect'],
    `unknown expect "${expect}"`,
    suggestion !== undefined ? `did you mean "${suggestion}"?` : `use one of ${EXPECT_TYPES.join(', ')} or regex:<pattern>`,
    { kind: 'unknownExpect', name: expect, ...(suggestion !== undefined ? { suggestion } : {}), allowed: [...EXPECT_TYPES] },
  );
  return { type: 'text' };
}

// A pattern too slow on its own example is reported when a customer's answer runs into it; here it does not refuse the file.
function takesExample(pattern: RegExp, example: string): boolean {
  try {
    return checkAnswer({ type: 'regex', pattern }, { text: example }).ok;
  } catch (error) {
    if (error instanceof PatternTooSlowError) return true;
    throw error;
  }
}

const ANY_ANSWER: Readonly<Record<AnyAnswer, string>> = {
  any: 'this pattern accepts any answer, so the customer is never asked again',
  'one line': 'this pattern accepts any answer on one line, so the customer is never asked again; an answer of several lines it refuses (. takes no line break)',
};

// An empty message answers no typed question, and an answer is checked without its leading and trailing spaces.
const NO_ANSWER: Readonly<Record<NoAnswer, (written: string) => string>> = {
  empty: (written) => `${written === '' ? 'regex: has no pattern after it, so it takes only an empty answer' : `the pattern "${written}" takes only an empty answer`}, and no answer is empty: whatever the customer writes, they are asked again until on_fail`,
  blank: (written) => `the pattern "${written}" takes only spaces, and an answer is checked without the spaces around it: whatever the customer writes, they are asked again until on_fail`,
};

const ATTACHMENT_ANSWERS: Readonly<Record<AttachmentExpect, { answer: string; saved: string; field: string }>> = {
  image: { answer: 'a picture', saved: 'a reference like media:<id>', field: 'conversation.photo' },
  file: { answer: 'a file', saved: 'a reference like media:<id>', field: 'conversation.file' },
  location: { answer: 'a shared location', saved: 'coordinates like 30.04,31.23', field: 'conversation.location' },
};

// Options that shape a typed answer mean nothing for an attachment, and a builtin field (a name, a team) cannot
// hold a reference: a team named media:ab12 would queue the conversation where nobody works.
function compileAttachmentExpect(expect: AttachmentExpect, step: z.output<z.ZodObject<typeof shape>>, ctx: CompileContext): Expect {
  const { answer, saved, field } = ATTACHMENT_ANSWERS[expect];
  for (const key of ['choices', 'country', 'example'] as const) {
    if (step[key] !== undefined) ctx.error([key], `expect: ${expect} takes no ${key}: it is answered with ${answer}`, `remove ${key}:`, { kind: 'attachmentTakesNo', expect, name: key });
  }
  const save = step.save === undefined ? undefined : parseFieldPath(step.save);
  // Builtins a flow may not write at all are reported by writeField already.
  if (save && BUILTIN_FIELDS.includes(save.path) && !writeRefusal(save)) {
    ctx.error(
      ['save'], `expect: ${expect} saves ${saved}, which does not belong in ${save.path}`, `save it to a field of its own, e.g. save: ${field}`,
      { kind: 'attachmentInBuiltin', expect, field: save.path, example: `save: ${field}` },
    );
  }
  return { type: expect };
}


function goOtherwise(otherwise: Otherwise, text: string, ctx: StepContext): StepOutcome {
  ctx.write(otherwise.save, text);
  return otherwise.goto === undefined ? 'next' : { goto: ctx.indexOf(otherwise.goto) };
}

/**
 * The value a correction of an earlier answer gives ("sorry, I meant 12346"), written to that answer's field, with the
 * label to name it by when several questions were answered; undefined when the message is no correction, answers this
 * question itself, or matches no earlier question's answer. The nearest question before this one whose field holds
 * another value, an email or `regex:` one, takes it.
 */
function correction(spec: AskStep, ctx: StepContext, input: FlowInput): { value: FieldValue; label?: Localized<string> } | undefined {
  const text = input.choice === undefined ? input.text : undefined;
  const position = ctx.run.conversation.flow;
  if (text === undefined || !position || !readsAsCorrection(text)) return undefined;
  if (spec.expect.type !== 'text' && checkAnswer(spec.expect, input).ok) return undefined;
  const read = (field: FieldRef) => ctx.read(field);
  const corrected = correctedAnswer(ctx.flow, position.step, text, read);
  if (!corrected) return undefined;
  ctx.write(corrected.field, corrected.value);
  return { value: corrected.value, ...labelToName(ctx.flow, position.step, corrected.field, read) };
}

const FIRST_MESSAGE = parseFieldPath('conversation.first_message')!;

// "my email is bob at, I need a refund for order 123": the need said beside the detail is what a first message that
// said it would have been (the shipped flow copies it into the need, and does not ask it), when the first said none.
function keepNeedBeside(spec: AskStep, ctx: StepContext, text: string | undefined): void {
  if (text === undefined || isKnown(ctx.read(FIRST_MESSAGE))) return;
  const need = besideAnswer(spec.expect, text, ctx.run.contact.name);
  if (need !== undefined) ctx.write(FIRST_MESSAGE, need);
}

/**
 * What the customer wrote to a question someone else answered meanwhile goes to the questions after it: kept for
 * those that look in what was written (`keepHeard`), and, when the first message said no need, what it says beside
 * the answer becomes the need it brought ("I was charged twice for my invoice"), as a need written beside the answer does:
 * what the NLP model reads as a need the flow routes, or, when it is unsure, what neither names the answer nor points back to it.
 */
function passOn(spec: AskStep, ctx: StepContext, typed: string | undefined): void {
  if (typed === undefined) return;
  keepHeard(ctx.run.conversation.flow, typed);
  if (isKnown(ctx.read(FIRST_MESSAGE)) && saysMoreThanHello(String(ctx.read(FIRST_MESSAGE)), ctx.run.contact.name)) return;
  const need = besideKnown(spec.expect, typed, ctx.run.contact.name, routedReading(ctx.flow, (text) => ctx.run.classify(text)));
  if (need !== undefined) ctx.write(FIRST_MESSAGE, need);
}

/**
 * "My new email is layla@new.example.com, and the refund never came" opened the conversation and answered the email
 * question: what it says beside the address is the need it brought, as when written in answer to the question, and
 * one that said only the address brought none (the need is asked). A first message with anything else in it is kept.
 */
function needBesideOpening(spec: AskStep, ctx: StepContext, opening: string): void {
  if (spec.expect.type !== 'email' || ctx.read(FIRST_MESSAGE) !== opening) return;
  const need = besideAnswer(spec.expect, opening, ctx.run.contact.name);
  if (need !== undefined) ctx.write(FIRST_MESSAGE, need);
  else delete ctx.run.conversation.fields.first_message;
}

/**
 * "my email is sam@example.com and my order is 12345": the need kept beside the email ("my order is 12345") was this
 * question's answer and nothing more, so it is no need (the need is asked). What the first message says once the
 * answer is out of it is read without the words of this question and its label ("order", "number", «رقم», «طلبي»).
 */
function noNeedInAnswer(spec: AskStep, ctx: StepContext, value: FieldValue): void {
  const first = ctx.read(FIRST_MESSAGE);
  if (typeof first !== 'string') return;
  const found = answerWithin(spec.expect, first);
  if (found === undefined || found.value !== value) return;
  const label = spec.save && ctx.flow.labels.get(spec.save.path);
  const sources = [...spec.question.variants.values(), spec.question.fallback].map((template) => template.source);
  if (label) sources.push(...label.variants.values(), label.fallback);
  const questionWords = sources.join(' ').split(/[^\p{L}]+/u).flatMap(wordForms);
  if (!saysMoreThanHello(found.rest, [ctx.run.contact.name ?? '', ...questionWords].join(' '))) delete ctx.run.conversation.fields.first_message;
}

/** A question's word as the customer may write it: «طلبك» ("your order") is «طلبي», «طلب», «الطلب» in their mouth. */
function wordForms(word: string): string[] {
  if (!/[\u0600-\u06ff]/u.test(word)) return [word];
  const stem = word.replace(/^ال/u, '').replace(/(?:كم|ك|ي)$/u, '');
  return [word, stem, `${stem}ي`, `ال${stem}`];
}

function say(said: { text: string; styles?: TextStyle[] }, spec: AskStep, ctx: StepContext): void {
  ctx.run.say(spec.expect.type === 'choice' ? { ...said, choices: ctx.choices(spec.expect.choices) } : said);
}
