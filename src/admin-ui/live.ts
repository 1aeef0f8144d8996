// One server-sent event stream (GET /api/events) for the whole dashboard: the queue board, the team page and an
// open transcript listen to it and fetch again what changed; it also says whether the store refuses every call and
// which channels are down and which replies wait for theirs (the banners on every page). The browser reconnects by itself after a drop.
import { useEffect, useRef } from 'preact/hooks';
import type { StoreOutage } from '../store/types.ts';
import type { NamedChannelStatus } from '../server/admin/context.ts';
import type { WaitingReplies } from '../bot/outbox.ts';

export type LiveEvent = 'conversation' | 'agents' | 'flows';
type Listener = (data: Record<string, unknown>) => void;

/**
 * Whether the stream is open (`live`), being opened again after a drop (`reconnecting`), or refused because the server
 * already serves as many event streams as it can (`tooManyStreams`: dashboard tabs left open), which the page says.
 */
export type LiveState = 'live' | 'reconnecting' | 'tooManyStreams';

let source: EventSource | undefined;
const listeners = new Map<LiveEvent, Set<Listener>>();
const stateListeners = new Set<(state: LiveState) => void>();
let state: LiveState = 'reconnecting';

function setState(next: LiveState): void {
  state = next;
  stateListeners.forEach((listener) => listener(next));
}

function dispatch(type: LiveEvent, event: MessageEvent<string>): void {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(event.data) as Record<string, unknown>;
  } catch {
    // An event without a JSON body still says that something changed.
  }
  for (const listener of listeners.get(type) ?? []) listener(data);
}

let wanted = false;
let opened = 0;
/** Set once a stream was refused or dropped: the next one opened is followed by fetching again what was missed. */
let missed = false;
/** The wait before opening the stream again after a refusal; doubled at each refusal for too many streams. */
const RETRY_MS = 5000;
const MOST_RETRY_MS = 60_000;
let retryMs = RETRY_MS;
let retry: ReturnType<typeof setTimeout> | undefined;

/**
 * Opens the stream (once signed in). The browser reconnects after a drop by itself, but not after an error status,
 * which an EventSource does not tell: the same address is then asked once more, to read why. A 401 (the session
 * expired) shows the sign-in form; a 503 for too many event streams is said by the page, and asked again less and less
 * often (up to once a minute) until there is room; anything else, again a few seconds later. After a reconnection,
 * or a first stream opened after a refusal, the views fetch again what they may have missed.
 */
export function connectLive(): void {
  wanted = true;
  if (source) return;
  clearTimeout(retry);
  const opening = new EventSource('/api/events');
  source = opening;
  for (const type of ['conversation', 'agents', 'flows'] as const) opening.addEventListener(type, (event) => dispatch(type, event as MessageEvent<string>));
  opening.addEventListener('store', (event) => {
    try {
      setOutage((JSON.parse((event as MessageEvent<string>).data) as { outage?: StoreOutage }).outage);
    } catch {
      // Not JSON: what the banner says stays as it was.
    }
  });
  opening.addEventListener('waiting', (event) => {
    try {
      const { waiting } = JSON.parse((event as MessageEvent<string>).data) as { waiting?: WaitingReplies[] };
      setWaiting(Array.isArray(waiting) ? waiting : []);
    } catch {
      // Not JSON: what the banner says stays as it was.
    }
  });
  opening.addEventListener('channels', (event) => {
    try {
      const { down } = JSON.parse((event as MessageEvent<string>).data) as { down?: NamedChannelStatus[] };
      setChannelsDown(Array.isArray(down) ? down : []);
    } catch {
      // Not JSON: what the banner says stays as it was.
    }
  });
  opening.onopen = () => {
    retryMs = RETRY_MS;
    setState('live');
    if (opened++ > 0 || missed) refetchAll();
    missed = false;
  };
  opening.onerror = () => {
    missed = true;
    if (opening.readyState !== EventSource.CLOSED) return setState('reconnecting');
    opening.close();
    source = undefined;
    void whyRefused().then((why) => {
      if (!wanted || source) return;
      if (why === 'unauthorized') return onClosedUnauthorized();
      if (why === 'tooManyStreams') {
        setState('tooManyStreams');
        retry = setTimeout(() => wanted && connectLive(), retryMs);
        retryMs = Math.min(retryMs * 2, MOST_RETRY_MS);
        return;
      }
      setState('reconnecting');
      retry = setTimeout(() => wanted && connectLive(), RETRY_MS);
    });
  };
}

/**
 * Why the stream was refused, asked of the same address (its answer's status and `kind`); a stream it opens instead
 * (the refusal is over) is closed at once, the next attempt opening the page's own.
 */
async function whyRefused(): Promise<'unauthorized' | 'tooManyStreams' | undefined> {
  const asking = new AbortController();
  try {
    const res = await fetch('/api/events', { credentials: 'same-origin', headers: { accept: 'text/event-stream' }, signal: asking.signal });
    if (res.status === 401) return 'unauthorized';
    if (res.ok) return undefined;
    const body = (await res.json().catch(() => ({}))) as { kind?: unknown };
    return body.kind === 'tooManyStreams' ? 'tooManyStreams' : undefined;
  } catch {
    return undefined;
  } finally {
    asking.abort();
  }
}

let onClosedUnauthorized: () => void = () => undefined;
/** Called when the stream was refused because the session is no longer good. */
export function whenLiveUnauthorized(listener: () => void): void {
  onClosedUnauthorized = listener;
}

let outage: StoreOutage | undefined;
const outageListeners = new Set<(outage: StoreOutage | undefined) => void>();

function setOutage(next: StoreOutage | undefined): void {
  const over = outage !== undefined && next === undefined;
  outage = next;
  outageListeners.forEach((listener) => listener(next));
  // What the pages could not read meanwhile, they read now, as after a reconnection.
  if (over) refetchAll();
}

function refetchAll(): void {
  for (const type of ['conversation', 'agents', 'flows'] as const) for (const listener of listeners.get(type) ?? []) listener({});
}

/**
 * Follows whether the store refuses every call (the disk full, the database out of reach), as the stream says it
 * (told the present one at once; undefined: it accepts calls).
 */
export function onStoreOutage(listener: (outage: StoreOutage | undefined) => void): () => void {
  outageListeners.add(listener);
  listener(outage);
  return () => outageListeners.delete(listener);
}

/** A state the stream tells (channels down, replies waiting): its present value, and who follows it. */
function told<T>(initial: T): { set: (next: T) => void; follow: (listener: (value: T) => void) => () => void } {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    set: (next) => {
      value = next;
      listeners.forEach((listener) => listener(next));
    },
    follow: (listener) => {
      listeners.add(listener);
      listener(value);
      return () => listeners.delete(listener);
    },
  };
}

const channelsDown = told<NamedChannelStatus[]>([]);
const setChannelsDown = channelsDown.set;

/**
 * Follows which channels are down (Telegram's token refused, WhatsApp Web logged out), as the stream says it (told
 * the present ones at once; empty: every channel is up).
 */
export function onChannelsDown(listener: (down: NamedChannelStatus[]) => void): () => void {
  return channelsDown.follow(listener);
}

const waiting = told<WaitingReplies[]>([]);
const setWaiting = waiting.set;

/**
 * Follows the replies waiting for their channel, by channel, as the stream says it (told the present ones at once;
 * empty: none waits).
 */
export function onWaitingReplies(listener: (waiting: WaitingReplies[]) => void): () => void {
  return waiting.follow(listener);
}

/** Closes the stream (on sign out). */
export function disconnectLive(): void {
  setOutage(undefined);
  setChannelsDown([]);
  setWaiting([]);
  wanted = false;
  opened = 0;
  missed = false;
  retryMs = RETRY_MS;
  clearTimeout(retry);
  source?.close();
  source = undefined;
  setState('reconnecting');
}

/** Calls `listener` on every `type` event while the component is shown. */
export function useLive(type: LiveEvent, listener: Listener): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    const call: Listener = (data) => latest.current(data);
    let set = listeners.get(type);
    if (!set) listeners.set(type, (set = new Set()));
    set.add(call);
    return () => set.delete(call);
  }, [type]);
}

/** Follows the stream's state (told the present one at once). */
export function onLiveState(listener: (state: LiveState) => void): () => void {
  stateListeners.add(listener);
  listener(state);
  return () => stateListeners.delete(listener);
}

/**
 * `fn`, called at most once per `ms` after the last call: a burst of events becomes one fetch.
 *
 *     const refresh = debounce(load, 300);
 */
/**
 * `fn` once, `ms` after the first of a run of calls, for all of them: unlike `debounce`, calls that never stop (a busy
 * day's conversations) do not put it off for ever.
 *
 *     const refresh = throttle(report.reload, 5000);
 */
export function throttle(fn: () => void, ms: number): (() => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const throttled = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return throttled;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}
