// `nlp check`: what in an admin's training data hurts the classifier, each finding with its file and line:
// intents with too few examples, near-duplicate examples under two intents, and a language some intents have
// and others lack.
import { loadBackground } from './background.ts';
import { NEAR_DUPLICATE, trainClassifier } from './classifier.ts';
import { readTrainingFiles, type PlacedExample } from './training-data.ts';

/**
 * Something to fix, where to fix it: `message` in English, as `nlp check` prints it (`${file}:${line}: ${message}`),
 * and its kind with the names and texts it is about, for the dashboard to say it in the admin's language.
 */
export type Finding = { file: string; line: number; message: string } & (
  /** An intent learnt from fewer than `min` examples. */
  | { kind: 'few examples'; intent: string; count: number; min: number }
  /** An intent with no example in `language` (`ar`, or `en` for Latin letters) while the intents `having` have some. */
  | { kind: 'missing language'; intent: string; language: 'ar' | 'en'; having: string[] }
  /** An example of `intent` that reads like an example of another (`twin`, at `file:line`). */
  | { kind: 'near duplicate'; intent: string; text: string; twin: { intent: string; text: string; at: string } }
);

/** Fewer examples than this: the intent is learnt from too little (10 to 30 work best). */
export const MIN_EXAMPLES = 5;
/** Above this many examples the pairwise comparisons would take minutes; they are skipped. */
const MAX_COMPARED = 5_000;

const LANGUAGES: { code: 'ar' | 'en'; name: string; test: RegExp }[] = [
  { code: 'ar', name: 'Arabic', test: /\p{Script=Arabic}/u },
  { code: 'en', name: 'English (Latin letters)', test: /\p{Script=Latin}/u },
];

/**
 * The findings for the training files of a folder (usually `DATA_DIR/nlp`), in file and line order. A file
 * the bot would refuse throws its `TrainingDataError`, as `loadTrainingData` does.
 *
 *     for (const f of await checkTrainingData('data/nlp')) console.log(`${f.file}:${f.line}: ${f.message}`);
 */
export async function checkTrainingData(dir: string, displayDir = dir): Promise<Finding[]> {
  const placed = (await readTrainingFiles(dir, displayDir)).map((e) => ({ ...e, at: `${e.file}:${e.line}` }));
  const findings = [...fewExamples(placed), ...missingLanguages(placed)];
  if (placed.length > 0 && placed.length <= MAX_COMPARED) {
    // The background set only weighs down common words here, as in training.
    const background = (await loadBackground(dir, displayDir)).map((line) => line.text);
    findings.push(...nearDuplicates(placed, background));
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

type Placed = PlacedExample & { file: string; at: string };

/** Each intent with its examples and where its key is written (its first file, if it spans several). */
function byIntent(placed: Placed[]): Map<string, { file: string; line: number; examples: Placed[] }> {
  const intents = new Map<string, { file: string; line: number; examples: Placed[] }>();
  for (const e of placed) {
    let entry = intents.get(e.intent);
    if (!entry) intents.set(e.intent, (entry = { file: e.file, line: e.intentLine, examples: [] }));
    entry.examples.push(e);
  }
  return intents;
}

function fewExamples(placed: Placed[]): Finding[] {
  return [...byIntent(placed)].flatMap(([intent, { file, line, examples }]) =>
    examples.length >= MIN_EXAMPLES
      ? []
      : [{ file, line, kind: 'few examples' as const, intent, count: examples.length, min: MIN_EXAMPLES, message: `intent "${intent}" has ${examples.length} example${examples.length === 1 ? '' : 's'}; give it at least ${MIN_EXAMPLES} (10 to 30 work best)` }],
  );
}

function missingLanguages(placed: Placed[]): Finding[] {
  const intents = byIntent(placed);
  const findings: Finding[] = [];
  for (const language of LANGUAGES) {
    const having = [...intents].filter(([, { examples }]) => examples.some((e) => language.test.test(e.text))).map(([intent]) => intent);
    if (having.length === 0) continue;
    for (const [intent, { file, line }] of intents) {
      if (having.includes(intent)) continue;
      const others = having.length > 3 ? `${having.slice(0, 3).map(quote).join(', ')} and ${having.length - 3} more` : having.map(quote).join(', ');
      findings.push({
        file,
        line,
        kind: 'missing language',
        intent,
        language: language.code,
        having,
        message: `intent "${intent}" has no ${language.name} examples while ${others} ${having.length === 1 ? 'has' : 'have'}: ${language.name} messages meant for it will go elsewhere or get the clarify question; add a few`,
      });
    }
  }
  return findings;
}

/** Examples of two intents that read the same. */
function nearDuplicates(placed: Placed[], background: string[]): Finding[] {
  const model = trainClassifier(placed, { background, calibration: false });
  const where = new Map<string, Placed>();
  for (const e of placed) where.set(`${e.intent}\u0000${e.text}`, e);
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const e of placed) {
    const others = model.intents.filter((intent) => intent !== e.intent);
    const [nearest] = model.nearest(e.text, { count: 1, intents: others });
    if (!nearest || nearest.similarity < NEAR_DUPLICATE) continue;
    const twin = where.get(`${nearest.intent}\u0000${nearest.text}`)!;
    const pair = [e.at, twin.at].sort().join(' ');
    if (reported.has(pair)) continue;
    reported.add(pair);
    // Reported at the later of the two, naming the earlier one.
    const [first, second] = e.file.localeCompare(twin.file) < 0 || (e.file === twin.file && e.line < twin.line) ? [e, twin] : [twin, e];
    findings.push({
      file: second.file,
      line: second.line,
      kind: 'near duplicate',
      intent: second.intent,
      text: second.text,
      twin: { intent: first.intent, text: first.text, at: first.at },
      message: `"${second.text}" (${second.intent}) is nearly the same as "${first.text}" (${first.intent}, ${first.at}): the model cannot tell them apart; keep one, or reword them so they differ`,
    });
  }
  return findings;
}

function quote(intent: string): string {
  return `"${intent}"`;
}
