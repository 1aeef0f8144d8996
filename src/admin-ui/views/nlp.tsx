// NLP: the intents and their examples, a refused training file (where to fix it, and which model serves meanwhile),
// what the training data check warns about, the eval figures of the model in service (cross-validation of the
// admin's examples: see bot/nlp/cross-validation.ts), trying a sentence (which intent, how sure, the nearest
// examples), adding an example and retraining. A misrouted customer message is taught from its transcript
// (TeachIntent, below).
import type { ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type NlpEval, type NlpOverview, type NlpTry } from '../api.ts';
import { lang, languageNames, named, names, t, when, type StringKey } from '../i18n.ts';
import { errorMessage, Loading, Notice, Reason, Refusal, useLoad } from '../ui.tsx';

/** The intent names, for a datalist. */
export function useIntentNames(): string[] {
  const overview = useLoad(() => api<NlpOverview>('GET', '/api/nlp'), []);
  return (overview.data?.intents ?? []).map((intent) => intent.name).sort();
}

/**
 * Adds `text` as an example of the intent the admin picks.
 *
 *     <TeachIntent text={message.text} messageId={message.id} />
 */
export function TeachIntent({ text, messageId, onAdded }: { text: string; messageId?: number | string; onAdded?: () => void }) {
  const [open, setOpen] = useState(false);
  if (!open) return <button type="button" class="link small teach" onClick={() => setOpen(true)}>{t('teach')}</button>;
  return <TeachForm text={text} {...(messageId !== undefined ? { messageId } : {})} {...(onAdded ? { onAdded } : {})} />;
}

/** The intents are fetched only once the admin opens the form. */
function TeachForm({ text, messageId, onAdded }: { text: string; messageId?: number | string; onAdded?: () => void }) {
  const [intent, setIntent] = useState('');
  // Added, or why not: in the admin's words when the server names the refusal's kind.
  const [notice, setNotice] = useState<{ kind: 'ok'; text: string } | { kind: 'error'; error: unknown } | undefined>();
  const names = useIntentNames();
  const listId = `intents-${String(messageId ?? 'new')}`;
  return (
    <form class="inline teach-form" onSubmit={async (event) => {
      event.preventDefault();
      try {
        await api('POST', '/api/nlp/examples', { intent, text, ...(typeof messageId === 'number' ? { messageId } : {}) });
        setNotice({ kind: 'ok', text: t('exampleAdded', { intent: named(intent) }) });
        onAdded?.();
      } catch (error) {
        setNotice({ kind: 'error', error });
      }
    }}>
      <label>{t('intent')} <input list={listId} dir="ltr" value={intent} onInput={(e) => setIntent(e.currentTarget.value.trim())} size={14} /></label>
      <datalist id={listId}>{names.map((name) => <option value={name} />)}</datalist>
      <button type="submit" disabled={!intent}>{t('addExample')}</button>
      {notice ? <Notice kind={notice.kind}>{notice.kind === 'ok' ? notice.text : <Refusal error={notice.error} />}</Notice> : null}
    </form>
  );
}

/** How often the page asks for eval figures on their way. */
const FIGURES_POLL_MS = 3_000;

const percent = (share: number): string => `${Math.round(share * 1000) / 10}%`;

/**
 * A refused training file: where to fix it (its file, line and column), why, and whether the model trained before keeps
 * serving or none does.
 */
function Refused({ refused }: { refused: NonNullable<NlpOverview['refused']> }) {
  return (
    <Notice kind="error">
      <div class="refused">
        <p>{t('nlpRefused')}</p>
        <ul>{refused.problems.map((problem) => <li>{t('trainingFileAt', { file: named(problem.file), line: problem.line, column: problem.column })} <Reason problem={problem} /></li>)}</ul>
        <p class="model">{t(refused.model === 'previous' ? 'nlpPreviousModel' : 'nlpNoModel')}</p>
      </div>
    </Notice>
  );
}

/** What the training data check found, in the page's language (the names and texts it is about isolated in it). */
function findingText(finding: NlpOverview['findings'][number]): string {
  switch (finding.kind) {
    case 'few examples':
      return t('nlpFewExamples', { intent: named(finding.intent), count: finding.count, min: finding.min });
    case 'missing language': {
      const shown = names(finding.having.slice(0, 3));
      const others = finding.having.length > 3 ? t('nlpAndMore', { names: shown, count: finding.having.length - 3 }) : shown;
      return t('nlpMissingLanguage', { intent: named(finding.intent), language: languageNames([finding.language]), others });
    }
    case 'near duplicate':
      return t('nlpNearDuplicate', { text: named(finding.text), intent: named(finding.intent), twin: named(finding.twin.text), twinIntent: named(finding.twin.intent), at: named(finding.twin.at) });
  }
}

/**
 * The training data check's findings, each at the file and line to fix, and what kept the data from being read or
 * checked (English, as it came, left to right where the page's sentences start).
 */
function Findings({ data }: { data: NlpOverview }) {
  if (data.findings.length === 0 && data.warnings.length === 0) return null;
  return (
    <Notice kind="warn">
      <ul class="findings">
        {data.findings.map((finding) => <li data-kind={finding.kind}><code class="at" dir="ltr">{finding.file}:{finding.line}</code> {findingText(finding)}</li>)}
        {data.warnings.map((warning) => <li><bdi lang="en" dir="ltr">{warning}</bdi></li>)}
      </ul>
    </Notice>
  );
}

/** A sentence of the page's language with elements (a path) in place of its `{name}`s. */
function sentenceWith(key: StringKey, elements: Record<string, ComponentChild>): ComponentChild[] {
  return t(key).split(/\{(\w+)\}/).map((part, index) => (index % 2 === 1 ? elements[part] : part));
}

/** The eval panel's note; the examples' folder, a path, reads left to right in any language. */
function noteText(note: StringKey): ComponentChild {
  return note === 'evalNoData' ? sentenceWith(note, { path: <code dir="ltr">DATA_DIR/nlp</code> }) : t(note);
}

/**
 * What the eval panel says besides the figures: why there are none (and whether they are coming), or, when those
 * shown are of a model trained on older data, which one. Nothing is trained while the data is refused.
 */
function figuresNote(data: NlpOverview): StringKey | undefined {
  if (data.refused) return data.refused.model === 'none' ? 'evalNoModel' : data.eval ? 'evalOfPreviousModel' : 'evalRefused';
  if (!data.eval && data.intents.every((intent) => intent.examples.length === 0)) return 'evalNoData';
  if (data.training === 'failed') return data.eval ? 'evalFailedPreviousFigures' : 'evalTrainingFailed';
  if (data.training === 'under way') return data.eval ? 'evalTrainingPreviousFigures' : 'evalTraining';
  if (data.eval) return undefined;
  if (data.evalFailed) return 'evalCouldNotCompute';
  return data.evalSkipped !== undefined ? 'evalSkipped' : 'evalPending';
}

/** Whether new figures are on their way (a training, or their computation, under way): the page asks again for them. */
const figuresComing = (data: NlpOverview): boolean => ['evalTraining', 'evalTrainingPreviousFigures', 'evalPending'].includes(figuresNote(data) ?? '');

/** The eval figures of the model in service: overall, and the intents most often mixed up. */
function Evaluation({ data }: { data: NlpOverview }) {
  const figures = data.eval;
  const note = figuresNote(data);
  if (!figures) return <section class="eval"><h2>{t('evalTitle')}</h2>{note ? <p class="muted">{noteText(note)}</p> : null}</section>;
  const threshold = Math.round(figures.threshold * 100);
  return (
    <section class="eval">
      <h2>{t('evalTitle')}</h2>
      {note ? <p class="muted">{noteText(note)}</p> : null}
      <div class="figures">
        <div class="figure" data-figure="accuracy"><div class="value">{percent(figures.accuracy)}</div><div class="label">{t('evalAccuracy')}</div></div>
        <div class="figure" data-figure="confident"><div class="value">{percent(figures.acceptedAccuracy)}</div><div class="label">{t('evalConfident', { threshold })}</div></div>
        {figures.background.rejected !== null ? (
          <div class="figure" data-figure="background"><div class="value">{percent(figures.background.rejected)}</div><div class="label">{t('evalBackground', { threshold })}</div></div>
        ) : null}
      </div>
      <h3>{t('evalConfused')}</h3>
      {figures.confused.length === 0 ? <p class="muted">{t('evalNoConfusion')}</p> : (
        <ul class="confused">
          {figures.confused.map((pair) => <li><span dir="ltr">{pair.intent}</span> {t('evalTakenFor')} <span dir="ltr">{pair.mistakenFor}</span> × {pair.count}</li>)}
        </ul>
      )}
      <p class="muted small">{t('evalHelp', { folds: figures.folds, when: when(figures.at) })}</p>
    </section>
  );
}

/** An intent's accuracy in the eval figures, or a dash. */
function accuracyOf(figures: NlpEval | undefined, intent: string): string {
  const found = figures?.intents.find((entry) => entry.intent === intent);
  return found ? percent(found.accuracy) : '—';
}

export function NlpPage() {
  const overview = useLoad(() => api<NlpOverview>('GET', '/api/nlp'), []);
  const [sentence, setSentence] = useState('');
  const [tried, setTried] = useState<NlpTry | undefined>();
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const tryIt = async (event: Event) => {
    event.preventDefault();
    try {
      setTried(await api<NlpTry>('POST', '/api/nlp/try', { text: sentence }));
    } catch (error) {
      setNotice({ kind: 'error', text: errorMessage(error) });
    }
  };
  // The examples count at once; the training has started by then, and its figures are asked for until they come.
  const afterTraining = () => overview.reload();
  // While figures are on their way, they appear here as they come, without the admin reloading the page.
  useEffect(() => {
    if (!overview.data || !figuresComing(overview.data)) return;
    const timer = setTimeout(overview.reload, FIGURES_POLL_MS);
    return () => clearTimeout(timer);
  }, [overview.data]);
  const retrain = async () => {
    try {
      await api('POST', '/api/nlp/retrain');
      setNotice({ kind: 'ok', text: t('retraining') });
      afterTraining();
    } catch (error) {
      setNotice({ kind: 'error', text: errorMessage(error) });
    }
  };
  return (
    <div class="nlp-page">
      <h1>{t('nlpTitle')}</h1>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <form class="filters" onSubmit={tryIt}>
        <input type="search" dir="auto" aria-label={t('trySentence')} placeholder={t('trySentence')} value={sentence} onInput={(e) => setSentence(e.currentTarget.value)} />
        <button type="submit" disabled={!sentence.trim()}>{t('try')}</button>
        <button type="button" class="secondary" onClick={retrain}>{t('retrain')}</button>
      </form>
      {tried ? (
        <div class="tried card">
          <p><strong>{tried.intent ?? t('noIntent')}</strong> · {t('confidence')} {Math.round(tried.confidence * 100)}%</p>
          {tried.twoNeeds ? (
            <div class="two-needs">
              <p>{t('tryTwoNeeds')}</p>
              <ul class="small">
                {/* As the bot takes them: the first routed, every other on the card's Also asked line, in order. */}
                {[[t('tryRouted'), tried.twoNeeds.first] as const, ...[tried.twoNeeds.also, ...(tried.twoNeeds.further ?? [])].map((need) => [t('tryAlsoAsked'), need] as const)].map(([label, need]) => (
                  <li>{label}: <bdi translate={false}>{need.text}</bdi> · <bdi dir="ltr">{need.intent} {Math.round(need.confidence * 100)}%</bdi> {lang() === 'ar' ? '←' : '→' /* the way the line reads */} <bdi>{need.team}</bdi></li>
                ))}
              </ul>
            </div>
          ) : null}
          {tried.nearest.length > 0 ? (
            <ol class="small">{tried.nearest.map((near) => <li><span dir="ltr">{near.intent}</span>: <bdi translate={false}>{near.text}</bdi> <span class="muted">({near.score})</span></li>)}</ol>
          ) : null}
          <TeachIntent key={sentence} text={sentence} onAdded={afterTraining} />
        </div>
      ) : null}
      <Loading loaded={overview}>
        {(data) => (
          <>
            {data.refused ? <Refused refused={data.refused} /> : null}
            <Evaluation data={data} />
            <Findings data={data} />
            {/* The examples of the files that read well; a refused file's wait for its fix. */}
            {(data.refused?.unlisted ?? []).map((file) => <p class="unlisted">{t('nlpUnlisted', { file: named(file) })}</p>)}
            {data.refused && data.intents.length === 0 ? null : <table class="list">
              <thead><tr><th>{t('intent')}</th><th>{t('team')}</th><th>{t('examples')}</th><th>{t('intentAccuracy')}</th><th>{t('languages')}</th></tr></thead>
              <tbody>
                {data.intents.map((intent) => (
                  <tr data-intent={intent.name}>
                    <td data-label={t('intent')}><bdi dir="ltr">{intent.name}</bdi></td>
                    <td data-label={t('team')}>{intent.team ?? t('none')}</td>
                    <td data-label={t('examples')}>
                      <details>
                        <summary>{intent.examples.length}</summary>
                        <ul class="small" translate={false}>{intent.examples.map((example) => <li><bdi>{example}</bdi></li>)}</ul>
                      </details>
                    </td>
                    <td data-label={t('intentAccuracy')} class="accuracy"><bdi dir="ltr">{accuracyOf(data.eval, intent.name)}</bdi></td>
                    <td data-label={t('languages')}>{languageNames(intent.languages)}</td>
                  </tr>
                ))}
              </tbody>
            </table>}
          </>
        )}
      </Loading>
    </div>
  );
}
