// `/api/nlp`: the intents and their examples (from DATA_DIR/nlp), a refused training file (where to fix it, and
// whether the model trained before still serves), what `nlp check` would warn about, the eval
// figures of the model in service (cross-validation of that data, see bot/nlp/cross-validation.ts) or why there are
// none (a training under way or failed, data too small to cross-validate), adding an
// example (a misrouted message, say) to the admin's own training file, retraining, and trying a sentence.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from '../../shared/replace-file.ts';
import express, { type Router } from 'express';
import { parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { z } from 'zod';
import { checkTrainingData, type Finding } from '../../bot/nlp/check.ts';
import { normalizeText } from '../../bot/nlp/normalize.ts';
import { readEachTrainingFile, readTrainingFiles, TrainingDataError } from '../../bot/nlp/training-data.ts';
import { place } from '../../shared/file-error.ts';
import { exclusively } from '../../flows/publishing.ts';
import { twoNeedsIn, type ClassifyStep, type NeedRead } from '../../flows/steps/classify.ts';
import { nameOf } from './auth.ts';
import { badRequest, type AdminContext, type KnownRefusal } from './context.ts';

/** The training file examples added from the dashboard go to (the others are the admin's to edit by hand). */
export const ADMIN_TRAINING_FILE = 'admin.yaml';

const INTENT = /^[\p{L}\p{N}_-]{1,64}$/u;
const exampleBody = z.object({
  intent: z.string().regex(INTENT, 'an intent is letters, digits, "_" and "-", like billing'),
  text: z.string().trim().min(1).max(500),
  messageId: z.number().int().min(1).optional(),
}).strict();
const tryBody = z.object({ text: z.string().trim().min(1).max(2000) }).strict();

/** The scripts an example is written in, as language codes. */
function languagesOf(text: string): string[] {
  const languages: string[] = [];
  if (/\p{Script=Arabic}/u.test(text)) languages.push('ar');
  if (/\p{Script=Latin}/u.test(text)) languages.push('en');
  return languages;
}

/** The classify steps of the flows in service, in the order the flows are read. */
function classifySteps(context: AdminContext): ClassifyStep[] {
  const flows = [...context.flows.forTrigger('conversation.opened'), ...context.flows.forTrigger('conversation.closed')];
  return flows.flatMap((flow) => flow.steps.flatMap((step) => (step.kind === 'classify' ? [step.spec] : [])));
}

/** Mounts the NLP routes on the admin router. */
export function mountNlp(router: Router, context: AdminContext): void {
  const { nlpDir, intents, log, store } = context;

  router.get('/nlp', async (_req, res) => {
    // What the check finds, each of a kind the page words in the admin's language; besides them, what kept the data
    // from being read or checked, as it came.
    let findings: Finding[] = [];
    const warnings: string[] = [];
    const byIntent = new Map<string, { examples: string[]; languages: Set<string> }>();
    // The examples of the files that read well, even while another is refused; the refused files' examples cannot be
    // listed (their YAML may not even parse).
    let unreadable: TrainingDataError[] = [];
    try {
      const { examples, refused } = await readEachTrainingFile(nlpDir, 'nlp');
      unreadable = refused;
      for (const example of examples) {
        const entry = byIntent.get(example.intent) ?? { examples: [], languages: new Set<string>() };
        entry.examples.push(example.text);
        for (const language of languagesOf(example.text)) entry.languages.add(language);
        byIntent.set(example.intent, entry);
      }
      if (refused.length === 0) findings = await checkTrainingData(nlpDir, 'nlp');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') warnings.push(String(error));
    }
    // What the bot refuses (one example under two intents is refused with both files readable), and what this read
    // found refused (a file saved a moment ago, before the bot read it again).
    const refused = [...new Map([...intents.errors(), ...unreadable].map((error) => [String(error), error])).values()];
    // The figures of the model in service, none while they are computed after a training; why there are none is
    // `evalSkipped`, which the page says in the admin's language (not again among the warnings, in English).
    const evaluation = intents.evaluation();
    // The team each intent is routed to, by the classify steps of the flows in service (the first route wins).
    const routed = new Map<string, string>();
    for (const spec of classifySteps(context)) {
      for (const route of spec.routes) if (!routed.has(route.intent)) routed.set(route.intent, route.team);
    }
    // Why figures may not be coming: a training under way or failed, or data cross-validation cannot use.
    const training = intents.training();
    res.json({
      intents: [...byIntent].map(([name, { examples, languages }]) => ({ name, ...(routed.has(name) ? { team: routed.get(name) } : {}), examples, languages: [...languages].sort() })),
      ...(evaluation && !('skipped' in evaluation) ? { eval: evaluation } : {}),
      ...(evaluation && 'skipped' in evaluation ? { evalSkipped: evaluation.skipped } : {}),
      ...(training ? { training } : {}),
      ...(!evaluation && intents.evaluationFailed() ? { evalFailed: true } : {}),
      findings,
      warnings: [...new Set(warnings)],
      ...(refused.length > 0
        ? {
          refused: {
            errors: refused.map(String),
            // The same, each at its file, line and column, for the dashboard to say where in its own words.
            problems: refused.map((error) => ({ file: error.file, ...place(error) })),
            unlisted: [...new Set(unreadable.map((error) => error.file))],
            model: intents.serves() ? 'previous' : 'none',
          },
        }
        : {}),
    });
  });

  router.post('/nlp/examples', express.json({ limit: '8kb' }), async (req, res) => {
    const body = exampleBody.safeParse(req.body);
    if (!body.success) return void badRequest(res, body.error, 422);
    const { intent, text } = body.data;
    // One read-change-write of the file at a time, in every process sharing the store (and so DATA_DIR): with a lock
    // of this process only, examples taught at once on two processes were answered 201 and some were lost.
    const outcome = await exclusively(store, 'nlp', async () => {
      // The same example under another intent would refuse the whole training data: refused here instead.
      const key = normalizeText(text).replace(/\s+/g, ' ');
      let existing: Awaited<ReturnType<typeof readTrainingFiles>>;
      try {
        existing = await readTrainingFiles(nlpDir, 'nlp');
      } catch (error) {
        // A training file the bot refuses: the admin is told where to fix it, rather than an internal error.
        if (error instanceof TrainingDataError) {
          const refused: KnownRefusal = { kind: 'trainingDataRefused', problem: { file: error.file, ...place(error) } };
          return { refused: { error: `the training data is refused, so nothing was added: ${String(error)}; fix that first`, ...refused } };
        }
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        existing = [];
      }
      const clash = existing.find((example) => normalizeText(example.text).replace(/\s+/g, ' ') === key);
      if (clash && clash.intent !== intent) {
        const known: KnownRefusal = { kind: 'exampleOfAnother', text, intent: clash.intent, at: `${clash.file}:${clash.line}:${clash.column}` };
        return { clash: { error: `"${text}" is already an example of "${clash.intent}" (${clash.file}:${clash.line}); an example belongs to one intent`, ...known } };
      }
      if (clash) return { already: true };
      const path = join(nlpDir, ADMIN_TRAINING_FILE);
      const before = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '# Examples added from the dashboard (POST /api/nlp/examples). You may edit this file by hand.\nintents: {}\n';
        throw error;
      });
      const document = parseDocument(before);
      if (!(document.get('intents') instanceof YAMLMap)) document.set('intents', new YAMLMap());
      const map = document.get('intents') as YAMLMap;
      if (!(map.get(intent) instanceof YAMLSeq)) map.set(intent, new YAMLSeq());
      (map.get(intent) as YAMLSeq).add(text);
      map.flow = false;
      await replaceFile(path, document.toString());
      return { added: true };
    });
    // `kind` says what the answer is, for the page that words it in its own language.
    if ('clash' in outcome) return void res.status(422).json(outcome.clash);
    if ('refused' in outcome) return void res.status(422).json(outcome.refused);
    log.info({ intent, by: nameOf(res), ...(body.data.messageId ? { message: body.data.messageId } : {}) }, 'NLP example added from the admin API');
    void intents.ready().catch((error: unknown) => log.error({ err: error }, 'retraining after an added example failed'));
    if (!('already' in outcome)) context.published?.('nlp');
    res.status(201).json({ ok: true, intent, text, ...('already' in outcome ? { already: true } : {}) });
  });

  router.post('/nlp/retrain', (_req, res) => {
    void intents.ready().catch((error: unknown) => log.error({ err: error }, 'retraining failed'));
    context.published?.('nlp');
    res.status(202).json({ ok: true });
  });

  router.post('/nlp/try', express.json({ limit: '8kb' }), (req, res) => {
    const body = tryBody.safeParse(req.body);
    if (!body.success) return void badRequest(res, body.error, 422);
    const result = intents.classify(body.data.text);
    // What the bot does with it when it holds two needs its flows route to two teams: the first, the other kept for
    // the agent (Also asked), which the whole text's intent above does not say.
    const two = classifySteps(context).map((spec) => twoNeedsIn(spec, body.data.text, (part) => intents.classify(part))).find(Boolean);
    const need = (read: NeedRead) => ({ text: read.part, intent: read.route.intent, team: read.route.team, confidence: read.confidence });
    res.json({
      ...(result ? { intent: result.intent } : {}),
      confidence: result?.confidence ?? 0,
      ...(two ? { twoNeeds: { first: need(two.first), also: need(two.also), ...(two.further.length > 0 ? { further: two.further.map(need) } : {}) } } : {}),
      nearest: intents.nearest(body.data.text, 5).map((neighbour) => ({ intent: neighbour.intent, text: neighbour.text, score: Math.round(neighbour.similarity * 1000) / 1000 })),
    });
  });
}
