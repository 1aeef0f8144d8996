// Small pieces every view uses: loading data from the API, messages to the admin, safe links.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, serverNow, type TextStyle, type ValidationError } from './api.ts';
import { STYLE_TAGS, styledRuns } from '../channels/webchat/styled-runs.js';
import { fileReason, refusalWords, serverWords, t, type Piece } from './i18n.ts';

/** What the admin should read about a failure. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('networkError');
    return serverWords(error.body, error.retryAfter) ?? error.body.error ?? t('serverAnswered', { status: error.status });
  }
  return error instanceof Error ? error.message : String(error);
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again, keeping what is shown until the answer comes. */
  reload: () => void;
}

/**
 * Loads `load()` when the component shows and whenever `deps` change; a late answer to an old request is dropped.
 *
 *     const flows = useLoad(() => api<{ flows: FlowSummary[] }>('GET', '/api/flows'), []);
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const latest = useRef(load);
  latest.current = load;
  const ticket = useRef(0);
  const reload = useCallback(() => {
    const mine = ++ticket.current;
    setState((previous) => ({ ...previous, loading: true }));
    latest.current().then(
      (data) => mine === ticket.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => mine === ticket.current && setState((previous) => ({ data: previous.data, error, loading: false })),
    );
  }, []);
  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: true });
    reload();
  }, deps);
  return { ...state, reload };
}

/** A list the API gives a page at a time: the first page as `useLoad` gives it, the ones `more` added after it. */
export interface Paged<T> {
  first: Loaded<{ items: T[]; nextCursor?: string }>;
  /** Every item shown: the first page's, then the later ones'. */
  items: T[];
  /** Set while there are more to load. */
  cursor: string | undefined;
  moreError: string | undefined;
  more: () => Promise<void>;
}

/**
 * Loads the first page of a list when `deps` change (as `useLoad`), and the next one at each `more()`: `load(cursor)`
 * asks for the page after `cursor` (the first without it).
 *
 *     const list = usePaged((cursor) => api<{ contacts: Contact[]; nextCursor?: string }>('GET', `/api/contacts${query({ cursor })}`).then(({ contacts, nextCursor }) => ({ items: contacts, nextCursor })), []);
 */
export function usePaged<T>(load: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>, deps: unknown[]): Paged<T> {
  const first = useLoad(() => load(undefined), deps);
  const [later, setLater] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [moreError, setMoreError] = useState<string | undefined>();
  useEffect(() => {
    setLater([]);
    setCursor(first.data?.nextCursor);
    setMoreError(undefined);
  }, [first.data]);
  const more = async () => {
    try {
      const page = await load(cursor);
      setLater((previous) => [...previous, ...page.items]);
      setCursor(page.nextCursor);
    } catch (error) {
      setMoreError(errorMessage(error));
    }
  };
  return { first, items: first.data ? [...first.data.items, ...later] : [], cursor, moreError, more };
}

/** A message in the page: an error, a success, or a warning, read out by screen readers. */
export function Notice({ kind, children }: { kind: 'error' | 'ok' | 'warn' | 'info'; children: ComponentChildren }) {
  return <div class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>{children}</div>;
}

/** Loading, the error, or the content of a `useLoad`. */
export function Loading<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.data !== undefined) return <>{loaded.error ? <Notice kind="error">{errorMessage(loaded.error)}</Notice> : null}{children(loaded.data)}</>;
  if (loaded.error) {
    const { error } = loaded;
    // A refusal (no such conversation, a malformed id) answers the same however often it is asked: no Retry then.
    const settled = error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
    return (
      <Notice kind="error">
        {error instanceof ApiError && serverWords(error.body, error.retryAfter) !== undefined ? errorMessage(error)
          : error instanceof ApiError && error.status === 404 ? (error.body.error ? t('notFoundBecause', { reason: error.body.error }) : t('notFound'))
          : t('error', { message: errorMessage(error) })}
        {settled ? null : <>{' '}<button type="button" class="link" onClick={loaded.reload}>{t('retry')}</button></>}
      </Notice>
    );
  }
  return <p class="muted">{t('loading')}</p>;
}

/**
 * A link target from the server only if it stays on this site or is plain http(s): an attachment URL
 * like `javascript:` is never made clickable.
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** The server's clock (`serverNow`), ticking every `ms`, for times that grow while shown (waiting times). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * A button that asks before it acts: the first click shows `question` with a confirm and a cancel button. A form
 * that should ask on Enter too holds the question's state itself (`asking` and `onAsk`).
 *
 *     <ConfirmButton label="Erase" question="Erase Layla for good?" confirm="Erase" onConfirm={erase} danger />
 */
export function ConfirmButton(props: {
  label: string; question: string; confirm: string; onConfirm: () => void | Promise<void>; danger?: boolean; disabled?: boolean;
  asking?: boolean; onAsk?: (asking: boolean) => void;
}) {
  const [askingHere, setAskingHere] = useState(false);
  const asking = props.asking ?? askingHere;
  const setAsking = props.onAsk ?? setAskingHere;
  if (!asking) {
    return <button type="button" class={props.danger ? 'danger' : 'secondary'} disabled={props.disabled} onClick={() => setAsking(true)}>{props.label}</button>;
  }
  return (
    <div class="confirm" role="alertdialog" aria-label={props.label}>
      <p>{props.question}</p>
      <button type="button" class={props.danger ? 'danger' : ''} onClick={() => { setAsking(false); void props.onConfirm(); }}>{props.confirm}</button>{' '}
      <button type="button" class="secondary" onClick={() => setAsking(false)}>{t('cancel')}</button>
    </div>
  );
}

/**
 * Why a file is refused: in the admin's words when the server names its kind, else as the server wrote it (English,
 * set apart, so that its quotes and brackets keep their places on a right-to-left page).
 *
 *     <p>{t('lineCol', { line, column })}: <Reason problem={error} /></p>
 */
export function Reason({ problem }: { problem: ValidationError }) {
  const worded = fileReason(problem.known);
  if (worded === undefined) return <bdi class="reason" lang="en" dir="ltr">{problem.message}</bdi>;
  return <span class="reason"><Pieces pieces={worded} /></span>;
}

/**
 * A refusal of the API as the admin reads it: in their words when the server names its kind (`refusalWords`), else as
 * `errorMessage` says it.
 *
 *     <Notice kind="error"><Refusal error={error} /></Notice>
 */
export function Refusal({ error }: { error: unknown }) {
  const worded = error instanceof ApiError ? refusalWords(error.known) : undefined;
  return worded === undefined ? <>{errorMessage(error)}</> : <span class="refusal"><Pieces pieces={worded} /></span>;
}

/** A sentence's pieces: the page's words, what a file says (code, left to right), and English words quoted. */
function Pieces({ pieces }: { pieces: Piece[] }) {
  return (
    <>
      {pieces.map((piece) => (typeof piece === 'string' ? piece
        : 'code' in piece ? <code dir="ltr" translate={false}>{piece.code}</code>
        : <bdi lang="en" dir="ltr">{piece.english}</bdi>))}
    </>
  );
}

/**
 * A text with the styles its writer gave it (an agent's bold, a flow's `*Thanks*`), each its own element around the
 * words it covers, cut as the web chat and the agent console cut it (`styledRuns`): the words are text, never HTML; a
 * style the page does not know, or outside the text, is left out.
 *
 *     <Styled text="Your refund is on its way" styles={[{ style: 'bold', offset: 15, length: 10 }]} />
 */
export function Styled({ text, styles }: { text: string; styles?: readonly TextStyle[] | undefined }) {
  return (
    <>
      {styledRuns(text, styles).map(([from, to, on]) => on.reduceRight<ComponentChildren>((inner, style) => {
        const Tag = STYLE_TAGS[style];
        return <Tag class={style === 'spoiler' || style === 'pre' ? style : undefined}>{inner}</Tag>;
      }, text.slice(from, to)))}
    </>
  );
}
