// Flows: the list, and one flow's editor (validation as you type, errors at their line, publish with the version
// it was edited from, so that a second admin publishing at once, or removing the file, is told instead of
// overwritten), and its history (each version beside the current one, and rolling back to it).
import { useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, type FlowSummary, type FlowVersion, type ValidationError } from '../api.ts';
import { back, named, sizes, t, when } from '../i18n.ts';
import { useLive } from '../live.ts';
import { YamlDiff, YamlEditor, type EditorHandle } from '../editor.tsx';
import { leaveAnyway, useUnpublished } from '../leaving.tsx';
import { ConfirmButton, errorMessage, Loading, Notice, Reason, useLoad } from '../ui.tsx';

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const TEMPLATE = (name: string) => `flow: ${name}
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
`;

export function FlowList() {
  const flows = useLoad(() => api<{ flows: FlowSummary[] }>('GET', '/api/flows'), []);
  useLive('flows', flows.reload);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const create = (event: Event) => {
    event.preventDefault();
    if (!NAME.test(name)) {
      setError(t('badName'));
      return;
    }
    location.hash = `#/flows/${encodeURIComponent(name)}/new`;
  };
  return (
    <div>
      <h1>{t('flowsTitle')}</h1>
      <Loading loaded={flows}>
        {(data) => (
          <table class="list">
            <thead><tr><th>{t('name')}</th><th>{t('version')}</th><th>{t('status')}</th><th>{t('updated')}</th><th>{t('openConversations')}</th></tr></thead>
            <tbody>
              {data.flows.map((flow) => (
                <tr data-flow={flow.name}>
                  <td data-label={t('name')}>{flow.status !== 'removed' ? <a href={`#/flows/${encodeURIComponent(flow.name)}`}>{flow.name}</a> : NAME.test(flow.name) ? <a href={`#/flows/${encodeURIComponent(flow.name)}/history`}>{flow.name}</a> : <bdi dir="ltr">{flow.name}</bdi>}</td>
                  <td data-label={t('version')}><bdi dir="ltr" translate={false}>{flow.version ?? '—'}</bdi></td>
                  <td data-label={t('status')}>
                    <span class={`badge ${flow.status === 'ok' ? 'ok' : 'error'}`}>{flow.status === 'ok' ? t('statusOk') : flow.status === 'removed' ? t('statusRemoved') : t('statusError')}</span>
                    {flow.status === 'removed' ? <div class="small">{t('removedStillRunning')}</div> : null}
                    {flow.problem ? <div class="small error-text refused-at">{t('fileRefusedAt', { line: flow.problem.line, column: flow.problem.column })} <Reason problem={flow.problem} /></div> : null}
                    {flow.status === 'error' ? <div class="small">{flow.serving ? t('stillServing', { version: flow.serving }) : t('notServing')}</div> : null}
                  </td>
                  <td data-label={t('updated')}>{when(flow.updatedAt)}{flow.updatedBy ? <> · <bdi>{publisher(flow.updatedBy)}</bdi></> : null}</td>
                  <td data-label={t('openConversations')}>
                    <span class="on-this">{flow.status !== 'removed' ? flow.onThisVersion ?? flow.openConversations : flow.openConversations}</span>
                    {flow.onEarlierVersions && flow.status !== 'removed' ? <div class="small muted on-earlier">{t('onEarlierVersions', { count: flow.onEarlierVersions })}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
      <form class="inline new-flow" onSubmit={create}>
        <label for="new-flow">{t('newFlow')}</label>
        <input id="new-flow" dir="ltr" placeholder="billing-faq" aria-describedby="new-flow-help" value={name} onInput={(e) => setName(e.currentTarget.value.trim())} />
        <button type="submit" disabled={!name}>{t('create')}</button>
        <span id="new-flow-help" class="muted small">{t('flowName')}</span>
      </form>
      {error ? <Notice kind="error">{error}</Notice> : null}
    </div>
  );
}

/** Who published: an admin by the name they signed in with, "admin" when they gave none, "file" for an edit on disk. */
function publisher(who: string): string {
  return who === 'file' ? t('fileOnDisk') : who === 'admin' ? t('anAdmin') : who;
}

interface FlowSource {
  name: string;
  version: number | string | null;
  source: string;
}

async function loadFlow(name: string, tab: 'edit' | 'history' | 'new'): Promise<FlowSource> {
  try {
    return await api<FlowSource>('GET', `/api/flows/${encodeURIComponent(name)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      if (tab === 'new') return { name, version: null, source: TEMPLATE(name) };
      // A flow whose file is gone keeps its versions (the list links a removed flow's customers here): one can come back.
      if (tab === 'history') return { name, version: null, source: '' };
    }
    throw error;
  }
}

export function FlowPage({ name, tab }: { name: string; tab: 'edit' | 'history' | 'new' }) {
  // Fetched again on every tab change: the editor always starts from the version that is current now.
  const flow = useLoad(() => loadFlow(name, tab), [name, tab]);
  const path = `#/flows/${encodeURIComponent(name)}`;
  return (
    <div class="flow-page">
      <p><a href="#/flows">{back()} {t('backToList')}</a></p>
      <h1><bdi dir="ltr" class="flow-name">{name}</bdi></h1>
      <div class="tabs" role="tablist">
        <a role="tab" href={path} aria-selected={tab !== 'history'} class={tab !== 'history' ? 'active' : ''}>{t('edit')}</a>
        <a role="tab" href={`${path}/history`} aria-selected={tab === 'history'} class={tab === 'history' ? 'active' : ''}>{t('history')}</a>
      </div>
      <Loading loaded={flow}>
        {(data) => tab === 'history'
          ? <FlowHistory name={name} onRolledBack={flow.reload} />
          : <FlowEditor key={`${data.version}`} flow={data} />}
      </Loading>
    </div>
  );
}

type Outcome =
  | { kind: 'published'; version: number | string }
  | { kind: 'invalid' }
  | { kind: 'conflict'; currentVersion: number | string | undefined; onDisk: boolean }
  | { kind: 'removed' }
  | { kind: 'tooLarge'; size: string; limit: string }
  | { kind: 'failed'; error: string };

/** The flow's size and the largest the server takes, from its 413 answer, as the page's words say them. */
function tooLarge(error: unknown): { size: string; limit: string } | undefined {
  if (!(error instanceof ApiError) || error.status !== 413 || error.body.size === undefined || error.body.limit === undefined) return undefined;
  const [size, limit] = sizes(error.body.size, error.body.limit);
  return { size, limit };
}

/** Validates as the admin types; publishes with the version the text was based on. */
function FlowEditor({ flow }: { flow: FlowSource }) {
  const [draft, setDraft] = useState(flow.source);
  const [publishedSource, setPublishedSource] = useState(flow.source);
  const [baseVersion, setBaseVersion] = useState(flow.version);
  const [errors, setErrors] = useState<ValidationError[] | undefined>(undefined);
  const [checking, setChecking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [theirs, setTheirs] = useState<FlowSource | undefined>();
  // A version published, or saved on disk (`onDisk`), since the text was loaded; null: the flow was removed since.
  const [newer, setNewer] = useState<{ version: string | number | null; onDisk: boolean } | undefined>();
  const editor = useRef<EditorHandle | undefined>(undefined);
  // The versions this editor published: their event may come before the PUT's answer, and is no news.
  const mine = useRef(new Set<string>());
  const base = `/api/flows/${encodeURIComponent(flow.name)}`;
  useLive('flows', (data) => {
    if (data.name !== flow.name || data.version === undefined) return;
    const version = String(data.version);
    if (version !== String(baseVersion) && !mine.current.has(version)) setNewer({ version: data.version as string | number | null, onDisk: data.onDisk === true });
  });
  // The flow's file as the admin knows it on disk, isolated in an Arabic sentence.
  const file = named(`flows/${flow.name}.yaml`);

  const validate = async (source: string): Promise<ValidationError[] | undefined> => {
    setChecking(true);
    try {
      const answer = await api<{ ok: boolean; errors: ValidationError[]; warnings?: ValidationError[] }>('POST', `${base}/validate`, { source });
      return [...(answer.errors ?? []), ...(answer.warnings ?? []).map((warning) => ({ ...warning, severity: 'warning' as const }))];
    } catch (error) {
      // Too large to check: said as the flow's one problem while the admin types, before they try to publish.
      const over = tooLarge(error);
      return over ? [{ line: 1, column: 1, message: t('tooLarge', over) }] : undefined;
    } finally {
      setChecking(false);
    }
  };

  const publish = async (over?: number | string | null) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const answer = await api<{ version: number | string }>('PUT', base, { source: draft, baseVersion: over === undefined ? baseVersion : over });
      mine.current.add(String(answer.version));
      setBaseVersion(answer.version);
      setPublishedSource(draft);
      setOutcome({ kind: 'published', version: answer.version });
      setTheirs(undefined);
      setNewer(undefined);
      if (flow.version === null) history.replaceState(null, '', `#/flows/${encodeURIComponent(flow.name)}`);
    } catch (error) {
      const over = tooLarge(error);
      if (error instanceof ApiError && error.status === 422) {
        editor.current?.showErrors(error.body.errors ?? []);
        setOutcome({ kind: 'invalid' });
      } else if (over) {
        setOutcome({ kind: 'tooLarge', ...over });
      } else if (error instanceof ApiError && error.known?.kind === 'publishedSince') {
        setOutcome({ kind: 'conflict', currentVersion: error.known.currentVersion, onDisk: error.known.onDisk === true });
      } else if (error instanceof ApiError && error.known?.kind === 'removedSince') {
        setOutcome({ kind: 'removed' });
      } else {
        setOutcome({ kind: 'failed', error: errorMessage(error) });
      }
    } finally {
      setBusy(false);
    }
  };

  const compare = async () => {
    try {
      setTheirs(await api<FlowSource>('GET', base));
    } catch (error) {
      setOutcome({ kind: 'failed', error: errorMessage(error) });
    }
  };

  const changed = draft !== publishedSource;
  useUnpublished(changed);
  // Warnings do not stop publishing: the flow is counted valid, and they are listed with the problems.
  const problems = errors?.filter((error) => error.severity !== 'warning');
  const warnings = errors?.filter((error) => error.severity === 'warning') ?? [];
  const checked = checking ? <span class="muted">{t('validating')}</span>
    : problems === undefined ? null
    : problems.length > 0 ? <span class="error-text">{problems.length === 1 ? t('oneProblem') : t('problems', { count: problems.length })}</span>
    : warnings.length > 0 ? <span class="warn-text">✓ {warnings.length === 1 ? t('oneWarning') : t('warnings', { count: warnings.length })}</span>
    : <span class="ok-text">✓ {t('valid')}</span>;
  return (
    <div class="flow-editor">
      {newer !== undefined && outcome?.kind !== 'conflict' && outcome?.kind !== 'removed' ? (
        <Notice kind="warn">
          {newer.version === null ? (newer.onDisk ? t('removedOnDisk', { file }) : t('flowRemovedLive'))
            : newer.onDisk ? t('changedOnDisk', { file, version: String(newer.version) })
            : t('conflict409', { version: String(newer.version) })}
        </Notice>
      ) : null}
      <YamlEditor
        initial={flow.source}
        label={`${flow.name}.yaml`}
        onChange={setDraft}
        validate={validate}
        onErrors={setErrors}
        handle={editor}
      />
      <div class="editor-status" aria-live="polite">
        {checked}
        {/* The separator only between two things said: before the first check answers (or when it could not), none. */}
        {changed ? <span class="muted">{checked ? ' · ' : ''}{t('unsaved')}</span> : null}
      </div>
      {errors && errors.length > 0 ? (
        <ul class="problems">
          {errors.map((error) => (
            <li data-line={error.line} class={error.severity === 'warning' ? 'warning' : undefined}>
              <button type="button" class="link" onClick={() => editor.current?.goTo(error.line)}>{t('lineCol', { line: error.line, column: error.column })}</button>: <Reason problem={error} />
            </li>
          ))}
        </ul>
      ) : null}
      <div class="toolbar">
        <button type="button" class="primary" disabled={busy} onClick={() => publish()}>{busy ? t('publishing') : t('publish')}</button>
        {flow.version !== null ? (
          <ConfirmButton label={t('deleteFlow')} question={t('confirmDelete', { name: named(flow.name) })} confirm={t('deleteFlow')} danger onConfirm={async () => {
            try {
              await api('DELETE', base);
              leaveAnyway('#/flows');
            } catch (error) {
              setOutcome({ kind: 'failed', error: error instanceof ApiError && error.status === 409 ? t('deleteRefused', { count: error.body.openConversations ?? '?' }) : errorMessage(error) });
            }
          }} />
        ) : null}
      </div>
      {outcome?.kind === 'published' ? <Notice kind="ok">{t('published', { version: String(outcome.version) })}</Notice> : null}
      {outcome?.kind === 'invalid' ? <Notice kind="error">{t('notPublished422')}</Notice> : null}
      {outcome?.kind === 'tooLarge' ? <Notice kind="error">{t('notPublished413', outcome)}</Notice> : null}
      {outcome?.kind === 'failed' ? <Notice kind="error">{t('error', { message: outcome.error })}</Notice> : null}
      {outcome?.kind === 'conflict' ? (
        <div class="notice error conflict" role="alert">
          <p>{outcome.onDisk ? t('changedOnDisk409', { file, version: String(outcome.currentVersion ?? '?') }) : t('conflict409', { version: String(outcome.currentVersion ?? '?') })}</p>
          <button type="button" class="secondary" onClick={compare}>{t(outcome.onDisk ? 'compareFile' : 'compareTheirs')}</button>{' '}
          <button type="button" class="secondary" onClick={() => publish(outcome.currentVersion ?? null)}>{t(outcome.onDisk ? 'publishOverFile' : 'publishOverTheirs')}</button>{' '}
          <button type="button" class="secondary" onClick={async () => {
            const current = await api<FlowSource>('GET', base).catch(() => undefined);
            if (!current) return;
            editor.current?.setText(current.source);
            setBaseVersion(current.version);
            setPublishedSource(current.source);
            setOutcome(undefined);
            setTheirs(undefined);
            setNewer(undefined);
          }}>{t(outcome.onDisk ? 'loadFile' : 'loadTheirs')}</button>
        </div>
      ) : null}
      {outcome?.kind === 'removed' ? (
        <div class="notice error removed" role="alert">
          <p>{t('flowRemoved409')}</p>
          {/* No version to publish over: the flow is created again, as a new one is. */}
          <button type="button" class="secondary" onClick={() => publish(null)}>{t('publishAsNew')}</button>
        </div>
      ) : null}
      {theirs ? (
        <section class="compare">
          <h2>{t('diffDraft', { current: String(theirs.version) })}</h2>
          <YamlDiff left={theirs.source} right={draft} />
        </section>
      ) : null}
    </div>
  );
}

function FlowHistory({ name, onRolledBack }: { name: string; onRolledBack: () => void }) {
  const base = `/api/flows/${encodeURIComponent(name)}`;
  const versions = useLoad(() => api<{ versions: FlowVersion[] }>('GET', `${base}/versions`), [name]);
  useLive('flows', (data) => data.name === name && versions.reload());
  const [picked, setPicked] = useState<number | string | undefined>();
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  // A rollback refused because the file changed on disk (`version`, now) since the list showed `was` as current; and,
  // when the admin compares, what changed on disk.
  const [onDisk, setOnDisk] = useState<{ version: string; was: number | string | undefined } | undefined>();
  const [diskChange, setDiskChange] = useState<{ was: FlowSource; now: FlowSource } | undefined>();
  const current = versions.data?.versions.find((version) => version.current);
  const file = named(`flows/${name}.yaml`);
  // The version picked beside the current one; alone when there is none (the file was removed): rolling back restores it.
  const pair = useLoad(async () => {
    if (picked === undefined) return null;
    const [old, now] = await Promise.all([
      api<{ source: string; version: number | string }>('GET', `${base}/versions/${encodeURIComponent(String(picked))}`),
      current ? api<{ source: string; version: number | string }>('GET', `${base}/versions/${encodeURIComponent(String(current.version))}`) : undefined,
    ]);
    return { old, now };
  }, [picked, current?.version]);
  const rollBack = async (version: number | string, over: number | string | null = current?.version ?? null) => {
    setOnDisk(undefined);
    setDiskChange(undefined);
    try {
      // The version the list showed as current: a colleague's publish since then is answered 409, not undone.
      const answer = await api<{ version: number | string }>('POST', `${base}/rollback`, { version, baseVersion: over });
      setNotice({ kind: 'ok', text: t('rolledBack', { version: String(answer.version) }) });
      setPicked(undefined);
      versions.reload();
      onRolledBack();
    } catch (error) {
      // A publish (or a removal) since the list was shown is said by its kind, as the editor's publish says it.
      const known = error instanceof ApiError ? error.known : undefined;
      if (known?.kind === 'publishedSince' && known.onDisk === true) {
        // Saved outside the dashboard: said as the editor says it, with what it offers (compare, over it, keep it).
        setNotice(undefined);
        setOnDisk({ version: String(known.currentVersion), was: current?.version });
        versions.reload();
        return;
      }
      setNotice({
        kind: 'error',
        text: known?.kind === 'publishedSince' ? t('rollbackConflict409', { version: named(known.currentVersion) })
          : known?.kind === 'removedSince' ? t('rollbackRemoved409')
          : errorMessage(error),
      });
      // Someone published since: the list shows their version as the current one now.
      if (error instanceof ApiError && error.status === 409) versions.reload();
    }
  };
  // The version the list showed as current beside the file's text now.
  const compareDisk = async (was: number | string) => {
    try {
      const [old, now] = await Promise.all([api<FlowSource>('GET', `${base}/versions/${encodeURIComponent(String(was))}`), api<FlowSource>('GET', base)]);
      setDiskChange({ was: old, now });
    } catch (error) {
      setNotice({ kind: 'error', text: errorMessage(error) });
    }
  };
  const pick = (version: number | string | undefined) => {
    setPicked(version);
    setOnDisk(undefined);
    setDiskChange(undefined);
  };
  const list = useMemo(() => versions.data?.versions ?? [], [versions.data]);
  return (
    <div class="history">
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {onDisk && picked !== undefined ? (
        <div class="notice error conflict" role="alert">
          <p>{t('rollbackChangedOnDisk409', { file, version: named(onDisk.version) })}</p>
          {onDisk.was !== undefined ? <><button type="button" class="secondary" onClick={() => compareDisk(onDisk.was!)}>{t('compareFile')}</button>{' '}</> : null}
          <button type="button" class="secondary" onClick={() => rollBack(picked, onDisk.version)}>{t('rollBackOverFile', { version: String(picked) })}</button>{' '}
          <button type="button" class="secondary" onClick={() => pick(undefined)}>{t('keepFile')}</button>
        </div>
      ) : null}
      {onDisk && diskChange ? (
        <section class="compare disk-change">
          <h2>{t('diskChange', { was: String(diskChange.was.version), version: String(diskChange.now.version) })}</h2>
          <YamlDiff left={diskChange.was.source} right={diskChange.now.source} />
        </section>
      ) : null}
      <Loading loaded={versions}>
        {() => (
          <div class="history-layout">
            <ol class="versions" aria-label={t('versions')}>
              {list.map((version) => (
                <li class={`${version.current ? 'current' : ''} ${String(picked) === String(version.version) ? 'picked' : ''}`} data-version={String(version.version)}>
                  <button type="button" class="link" onClick={() => pick(version.version)} disabled={version.current}>
                    {t('version')} <bdi dir="ltr" translate={false}>{version.version}</bdi>{version.current ? ` (${t('current')})` : ''}
                  </button>
                  <div class="small muted">{version.publishedBy === 'file' ? t('publishedFromFile', { when: when(version.publishedAt) }) : t('publishedBy', { when: when(version.publishedAt), who: version.publishedBy === 'admin' ? t('anAdmin') : named(version.publishedBy) })}</div>
                </li>
              ))}
            </ol>
            <div class="version-diff">
              {picked === undefined ? <p class="muted">{t('pickVersion')}</p> : (
                <Loading loaded={pair}>
                  {(data) => data ? (
                    <>
                      <h2>{data.now ? t('diffWith', { old: String(data.old.version), current: String(data.now.version) }) : t('noCurrentVersion', { old: String(data.old.version) })}</h2>
                      <YamlDiff left={data.now ? data.old.source : ''} right={data.now ? data.now.source : data.old.source} />
                      <ConfirmButton label={t('rollBack', { version: String(picked) })} question={t('confirmRollBack', { version: String(picked) })} confirm={t('rollBack', { version: String(picked) })} onConfirm={() => rollBack(picked)} />
                    </>
                  ) : null}
                </Loading>
              )}
            </div>
          </div>
        )}
      </Loading>
    </div>
  );
}
