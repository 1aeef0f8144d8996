// Choices offered to the customer (buttons, or a numbered list where a channel has none) and how an
// answer is matched to one: the pressed button's id, a typed number, or the title typed out in any of its
// languages. A choice's id is the same in every language, so what is saved does not depend on the language.
import { z } from 'zod';
import type { Choice } from '../types.ts';
import { allVariants, forEveryLanguage, localize, localizedSchema, type Localized } from './language.ts';
import { SCHEMA_RULES } from './rules.ts';
import type { CompileContext, Path } from './steps/step.ts';
import type { FlowInput } from './types.ts';
import { readMarkup } from '../shared/markup.ts';
import { asciiDigits, bareLetters, fold, keycapDigits, slug } from '../shared/text.ts';
import { editDistance } from '../shared/suggest.ts';

/** `choices:` as admins write it: texts, or `{ id, title }` maps when the saved id matters or the title has languages. */
export const choicesSchema = z
  .array(
    z.union([z.string().trim().min(1), z.object({ id: z.string().trim().min(1), title: localizedSchema(z.string().trim().min(1)) }).strict()], {
      errorMap: () => ({ message: SCHEMA_RULES.badChoice }),
    }),
  )
  .min(1, 'choices needs at least one choice');

/** A compiled choice: the id a pressed button (or a typed title) saves, and its title per language. */
export interface FlowChoice {
  id: string;
  title: Localized<string>;
}

/**
 * Gives every choice an id (texts get a slug of their title: "Billing question" → "billing-question") and
 * reports two choices with the same id, which a button press could not tell apart.
 *
 *     const choices = compileChoices(step.choices, ['choices'], ctx);
 */
export function compileChoices(list: z.output<typeof choicesSchema>, at: Path, ctx: CompileContext): FlowChoice[] {
  const choices = list.map((item, index) =>
    typeof item === 'string'
      ? { id: slug(item) || `choice-${index + 1}`, title: forEveryLanguage(item) }
      : { id: item.id, title: ctx.title(item.title, [...at, index, 'title']) },
  );
  const seen = new Set<string>();
  choices.forEach((choice, index) => {
    if (seen.has(choice.id)) {
      ctx.error([...at, index], `two choices have the id "${choice.id}"`, 'give each choice a different title or id', { kind: 'choiceIdTwice', id: choice.id });
    }
    seen.add(choice.id);
  });
  return choices;
}

/**
 * The choices as the customer sees them: titled in their language, a title the admin styled in WhatsApp's markup
 * ("*Billing*") as its words and their styles, which buttons do not carry but the web chat shows.
 *
 *     showChoices(choices, 'ar'); // [{ id: 'billing', title: 'الفواتير' }, …]
 */
export function showChoices(choices: readonly FlowChoice[], language: string | undefined): Choice[] {
  return choices.map((choice) => {
    const { text, styles } = readMarkup(localize(choice.title, language));
    return { id: choice.id, title: text, ...(styles.length > 0 ? { styles } : {}) };
  });
}

/** A choice's titles in every language, as the customer reads them: without the markers a title was styled with. */
function titlesOf(choice: FlowChoice): string[] {
  return allVariants(choice.title).map((title) => readMarkup(title).text);
}

/**
 * The choice the customer's message picks, if any: a title typed in any of its languages counts, whatever
 * the customer's language (they may read one and type another), with an emoji or a typo a reader would overlook.
 *
 *     matchChoice(choices, { text: '٢' });         // the second choice (so are "2.", "2)", "#2" and "2️⃣")
 *     matchChoice(choices, { text: ' billing ' }); // the choice titled "Billing" (or { en: Billing, ar: الفواتير })
 *     matchChoice(choices, { text: 'biling 💳' }); // the same
 */
export function matchChoice(choices: readonly FlowChoice[], input: FlowInput): FlowChoice | undefined {
  if (input.choice !== undefined) {
    const pressed = choices.find((choice) => choice.id === input.choice);
    if (pressed) return pressed;
  }
  const text = keycapDigits(asciiDigits(input.text ?? '')).trim();
  return choiceAlone(choices, text) ?? choiceAmongWords(choices, text)?.choice;
}

/**
 * A short answer that starts or ends with one choice's title and says a word or two beside it: "yes, refund",
 * «نعم، استرداد», "no - all good", "billing please help". `choice` is that choice; `ownWords` is whether the words
 * beside it say something of the customer's own ("refund"), not only that they are sure or done ("all good", "help",
 * «تمام»). Undefined for an answer that is a choice alone (`matchChoice` takes it), names two choices ("billing or
 * sales"), takes the choice back or hedges it ("no, wrong", "billing? no", "not billing", "great, I guess"), or says more than two words of its own
 * beside it ("no, I still cannot log in"): that is a sentence of the customer's own.
 *
 *     choiceAmongWords(choices, 'yes, refund');   // { choice: the yes, ownWords: true }
 *     choiceAmongWords(choices, 'no - all good'); // { choice: the no, ownWords: false }
 */
export function choiceAmongWords(choices: readonly FlowChoice[], text: string): { choice: FlowChoice; ownWords: boolean } | undefined {
  if (choiceAlone(choices, asciiDigits(text).trim())) return undefined;
  const words = courteousWords(text).map(bare).filter((word) => word !== '');
  const said = choices.flatMap((choice) => saidWith(choices, choice).flatMap((title) => {
    const starts = title.length < words.length && title.every((word, at) => words[at] === word);
    const ends = title.length < words.length && title.every((word, at) => words[words.length - title.length + at] === word);
    return [...(starts ? [{ choice, beside: words.slice(title.length) }] : []), ...(ends ? [{ choice, beside: words.slice(0, -title.length) }] : [])];
  }));
  // The longest title said wins over its own first words ("no" inside "no, that's all").
  const found = said.sort((a, b) => a.beside.length - b.beside.length)[0];
  if (found === undefined || said.some((other) => other.choice !== found.choice)) return undefined;
  const beside = found.beside.filter((word) => !COURTESY_WORDS.has(word));
  const others = choices.filter((choice) => choice !== found.choice).flatMap(titleWords);
  if (beside.length === 0 || (beside.length > 2 && !AGREEING.has(beside.join(' '))) || beside.some((word) => UNSAYING.has(word) || others.some((title) => title.length === 1 && title[0] === word))) return undefined;
  const rest = beside.join(' ');
  return { choice: found.choice, ownWords: !AGREEING.has(rest) && !SAID_YES.has(rest) };
}

/** The choice `text` is alone: its number, its title (with a slip), said politely, or a yes or a no in other words. */
function choiceAlone(choices: readonly FlowChoice[], text: string): FlowChoice | undefined {
  // "2", or as the numbered list writes it or people point at a line: "2.", "2)", "#2".
  const number = NUMBERED.exec(text)?.[1];
  const numbered = number !== undefined ? choices[Number(number) - 1] : undefined;
  if (numbered) return numbered;
  const typed = typedChoice(choices, text);
  if (typed) return typed;
  // "no thanks", "yes please", «لا شكرًا»: the choice said politely.
  const plain = withoutCourtesy(text);
  const polite = plain !== '' && plain !== fold(text) ? typedChoice(choices, plain) : undefined;
  return polite ?? yesOrNo(choices, plain) ?? pointedAt(choices, plain);
}

/**
 * The choice an answer points at by its place, as people name a line of a list: "option 2", "number 2", "the 2nd",
 * "the first one", «الخيار ٢», «الخيار الثاني», «الثاني». After the titles, so a choice titled "First" is said by its title.
 */
function pointedAt(choices: readonly FlowChoice[], text: string): FlowChoice | undefined {
  const found = POINTED.exec(text)?.groups;
  if (!found) return undefined;
  const number = found.number ?? found.nth;
  const place = number !== undefined ? Number(number) : (ORDINALS.indexOf(found.word!) % 10) + 1;
  return choices[place - 1];
}

// Folded (English lower case, Arabic without its hamza) and with Western digits, as `choiceAlone` gets the text.
const ORDINALS = [
  'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth',
  'الاول', 'الثاني', 'الثالث', 'الرابع', 'الخامس', 'السادس', 'السابع', 'الثامن', 'التاسع', 'العاشر',
];
const POINTED = new RegExp(
  '^(?:the\\s+)?(?:(?:option|number|choice|button|الخيار|خيار|رقم|الرقم)\\s*#?\\s*(?<number>\\d+)'
    + `|(?<nth>\\d+)(?:st|nd|rd|th)|(?:(?:option|choice|الخيار)\\s+)?(?<word>${ORDINALS.join('|')}))(?:\\s+(?:one|option|choice))?$`,
  'u',
);

/**
 * The words a choice is said with, each phrase as bare words: its titles (see `titleWords`), and for the one choice
 * that is a yes (or a no), a yes (or a no) in other words: "nope, all good" picks [No, that's all].
 */
function saidWith(choices: readonly FlowChoice[], choice: FlowChoice): string[][] {
  const phrases = titleWords(choice);
  for (const meaning of [SAID_YES, SAID_NO]) {
    if (meaningOf(choices, meaning) === choice) phrases.push(...[...meaning].map((phrase) => phrase.split(' ')));
  }
  return phrases;
}

/** A choice's titles in every language, and their first words (before a comma…), each as bare words. */
function titleWords(choice: FlowChoice): string[][] {
  return titlesOf(choice)
    .flatMap((title) => [title, title.split(LEADING_PUNCTUATION)[0] ?? ''])
    .map((title) => courteousWords(title).map(bare).filter((word) => word !== ''))
    .filter((words) => words.length > 0);
}

// Bare words that take back or hedge the choice beside them: "no, wrong", "not billing", "great, I guess", «ربما نعم».
const UNSAYING: ReadonlySet<string> = new Set([
  'not', 'no', 'nope', 'dont', 'never', 'wrong', 'wait', 'but', 'actually', 'except', 'instead', 'isnt', 'cancel', 'undo',
  'guess', 'maybe', 'perhaps', 'probably', 'suppose', 'kinda', 'sort', 'kind', 'unsure', 'or',
  'لا', 'لأ', 'مش', 'مو', 'ليس', 'ليست', 'غير', 'لكن', 'بل', 'خطأ', 'غلط', 'الغاء', 'إلغاء', 'ربما', 'يمكن', 'تقريبا', 'او', 'أو',
].map(bareLetters));
// Words beside a choice that only say the customer is sure or done, or wants help: no words of their own.
const AGREEING: ReadonlySet<string> = new Set([
  'all good', 'good', 'fine', 'ok', 'okay', 'im fine', 'im good', 'all fine', 'all set', 'done', 'thats all', 'thats it', 'nothing else',
  'help', 'help me', 'need help', 'so much', 'very much', 'please help', 'right', 'exactly',
  'تمام', 'كله تمام', 'خلاص', 'بس', 'فقط', 'كل شيء', 'ساعدني', 'مساعدة', 'جزيلا', 'بالضبط', 'هذا كل شيء', 'كل شيء تمام', 'no problem', 'nothing more',
].map((phrase) => courteousWords(phrase).map(bareLetters).join(' ')));
// The courtesy words one by one, as bare words: "billing please help" says "billing" and "help".
const COURTESY_WORDS: ReadonlySet<string> = new Set(
  ['thanks', 'thank', 'you', 'thx', 'ty', 'please', 'pls', 'plz', 'شكرا', 'مشكور', 'من', 'فضلك', 'لو', 'سمحت', 'رجاء'].map(bareLetters),
);

/**
 * The one choice that is a yes (or a no) when the customer says it in other words: "sure", "yeah", «أكيد», «طبعًا»,
 * «أيوه» pick [Yes] («نعم»), "nope", «أبدًا» pick [No, that's all]. A choice is a yes or a no by its id, or by the
 * first words of a title in some language. Undefined when no choice, or several, are one.
 *
 *     yesOrNo([{ id: 'yes', … }, { id: 'no', … }], 'اكيد'); // the choice with id yes
 */
function yesOrNo(choices: readonly FlowChoice[], words: string): FlowChoice | undefined {
  const said = words.split(' ').map(bare).join(' ');
  const meant = SAID_YES.has(said) ? 'yes' : SAID_NO.has(said) ? 'no' : undefined;
  if (meant === undefined) return undefined;
  return meaningOf(choices, meant === 'yes' ? SAID_YES : SAID_NO);
}

/** The one choice that is a yes (`SAID_YES`) or a no (`SAID_NO`): by its id, or by its title's first words. */
function meaningOf(choices: readonly FlowChoice[], meaning: ReadonlySet<string>): FlowChoice | undefined {
  const meant = meaning === SAID_YES ? 'yes' : 'no';
  const picked = choices.filter((choice) => choice.id === meant
    || titlesOf(choice).some((title) => meaning.has(courteousWords(title.split(LEADING_PUNCTUATION)[0] ?? '').map(bare).join(' '))));
  return picked.length === 1 ? picked[0] : undefined;
}

// A yes and a no in the words people answer a yes-or-no question with, as `yesOrNo` compares them. Not "ok" or «تمام»,
// which may as well say "all good, nothing else".
const SAID_YES: ReadonlySet<string> = new Set([
  'yes', 'yeah', 'yep', 'yup', 'sure', 'of course', 'definitely', 'absolutely', 'certainly', 'yes sure', 'sure yes',
  'نعم', 'اكيد', 'أكيد', 'طبعا', 'طبعًا', 'بالتأكيد', 'بالطبع', 'أجل', 'أيوه', 'ايوه', 'ايوة', 'ايوا', 'إيه', 'ايه', 'اي', 'نعم اكيد', 'اكيد نعم', 'نعم طبعا', 'اكيد طبعا',
].map((phrase) => courteousWords(phrase).map(bareLetters).join(' ')));
const SAID_NO: ReadonlySet<string> = new Set([
  'no', 'nope', 'nah', 'not really', 'no way', 'never', 'لا', 'لأ', 'لاء', 'كلا', 'أبدا', 'أبدًا', 'لا أبدا', 'لا أبدًا', 'لا طبعا',
].map((phrase) => courteousWords(phrase).map(bareLetters).join(' ')));

/** The choice whose title `text` is: typed out, its first words, or with a slip. */
function typedChoice(choices: readonly FlowChoice[], text: string): FlowChoice | undefined {
  const typed = fold(text);
  if (typed === '') return undefined;
  const titled = choices.find((choice) => titlesOf(choice).some((title) => fold(title) === typed));
  if (titled) return titled;
  // A typed "no" (or «لا») answers "No, that's all" («لا، هذا كل شيء»): the words before a title's first punctuation,
  // when only one choice begins with them.
  const leading = choices.filter((choice) => titlesOf(choice).some((title) => fold(title.split(LEADING_PUNCTUATION)[0] ?? '') === typed));
  if (leading.length === 1) return leading[0];
  return nearlyTyped(choices, text);
}

/**
 * Whether `text` is courtesy words alone ("thanks", "thank you", «شكرا»): said to a question, they answer none of it.
 *
 *     onlyCourtesy('Thank you!'); // true
 *     onlyCourtesy('thanks, my invoice is wrong'); // false
 */
export function onlyCourtesy(text: string): boolean {
  const words = courteousWords(text);
  for (let from = 0; from < words.length;) {
    const count = [2, 1].find((n) => from + n <= words.length && COURTESY.has(words.slice(from, from + n).join(' ')));
    if (count === undefined) return false;
    from += count;
  }
  return words.length > 0;
}

/** `text`'s words, folded, without apostrophes, as the courtesy words are written. */
function courteousWords(text: string): string[] {
  return fold(text).replace(/['’]/g, '').split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

/** `text`'s words, folded, without the courtesy words before or after them ("thanks", "please", «شكرا», «من فضلك»). */
function withoutCourtesy(text: string): string {
  let words = courteousWords(text);
  const courteous = (from: number, count: number) => COURTESY.has(words.slice(from, from + count).join(' '));
  for (let dropped = true; dropped && words.length > 0;) {
    dropped = false;
    for (const count of [2, 1]) {
      if (words.length > count && courteous(words.length - count, count)) [words, dropped] = [words.slice(0, -count), true];
      else if (words.length > count && courteous(0, count)) [words, dropped] = [words.slice(count), true];
      if (dropped) break;
    }
  }
  return words.join(' ');
}

// Folded, without apostrophes; said around an answer, never one.
const COURTESY: ReadonlySet<string> = new Set(
  ['thanks', 'thank you', 'thx', 'ty', 'please', 'pls', 'plz', 'شكرا', 'شكرًا', 'مشكور', 'من فضلك', 'لو سمحت', 'رجاء', 'رجاءً'].map(fold),
);

/**
 * The one choice whose title `text` spells with a slip: letters and digits alone compared (no emoji, punctuation or
 * spacing), Arabic letters people write one for the other taken as one, then a typo or two by the title's length
 * (none in a title shorter than 4, where "yes" and "no" are a typo apart from other words). Undefined when two
 * choices are as near: a guess between them would be the customer's wrong answer.
 */
function nearlyTyped(choices: readonly FlowChoice[], text: string): FlowChoice | undefined {
  const typed = bare(text);
  if (typed === '') return undefined;
  // "مش الفواتير" ("not billing") is two letters from «الفواتير», but no slip: a word that takes a choice back is none.
  const unsaid = courteousWords(text).map(bare).filter((word) => UNSAYING.has(word));
  let nearest: FlowChoice[] = [];
  let least = Infinity;
  for (const choice of choices) {
    const distance = Math.min(...titlesOf(choice).map((title) => {
      if (unsaid.some((word) => !courteousWords(title).map(bare).includes(word))) return Infinity;
      const written = bare(title);
      const allowed = written.length >= 8 ? 2 : written.length >= 4 ? 1 : 0;
      if (Math.abs(typed.length - written.length) > allowed) return Infinity;
      const apart = editDistance(typed, written);
      return apart <= allowed ? apart : Infinity;
    }));
    if (distance < least) [nearest, least] = [[choice], distance];
    else if (distance === least && distance !== Infinity) nearest.push(choice);
  }
  return nearest.length === 1 ? nearest[0] : undefined;
}

// Letters and digits alone, the Arabic letters often typed for each other as one.
const bare = bareLetters;

/** A typed choice number, bare or written as a numbered line or a reference. */
const NUMBERED = /^#?\s*(\d+)\s*[.)]?$/;

/** Where the words a title begins with end: a comma (Latin or Arabic), a colon, a dash between words, a bracket… */
const LEADING_PUNCTUATION = /[,\u060c;\u061b:.!?\u061f(\[]|\s[-\u2013\u2014]\s/;
