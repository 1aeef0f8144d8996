// One server-sent event stream (GET /api/events) for the whole dashboard: the queue board, the team page and an
// open transcript listen to it and fetch again what changed. The browser reconnects by itself after a drop.
import { useEffect, useRef } from 'preact/hooks';

export type LiveEvent = 'conversation' | 'agents' | 'flows';
type Listener = (data: Record<string, unknown>) => void;

let source: EventSource | undefined;
const listeners = new Map<LiveEvent, Set<Listener>>();
const stateListeners = new Set<(connected: boolean) => void>();

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

/**
 * Opens the stream (once signed in). The browser reconnects after a drop by itself, but not after an error status
 * (a 401 when the session expired): then the session is checked (a 401 shows the sign-in form) and the stream is
 * opened again a few seconds later. After a reconnection the views fetch again what they may have missed.
 */
export function connectLive(): void {
  wanted = true;
  if (source) return;
  const opening = new EventSource('/api/events');
  source = opening;
  for (const type of ['conversation', 'agents', 'flows'] as const) opening.addEventListener(type, (event) => dispatch(type, event as MessageEvent<string>));
  opening.onopen = () => {
    stateListeners.forEach((listener) => listener(true));
    if (opened++ > 0) for (const type of ['conversation', 'agents', 'flows'] as const) for (const listener of listeners.get(type) ?? []) listener({});
  };
  opening.onerror = () => {
    stateListeners.forEach((listener) => listener(false));
    if (opening.readyState !== EventSource.CLOSED) return;
    source = undefined;
    void fetch('/api/session', { credentials: 'same-origin' }).then((res) => res.status === 401 && onClosedUnauthorized());
    setTimeout(() => wanted && connectLive(), 5000);
  };
}

let onClosedUnauthorized: () => void = () => undefined;
/** Called when the stream was refused because the session is no longer good. */
export function whenLiveUnauthorized(listener: () => void): void {
  onClosedUnauthorized = listener;
}

/** Closes the stream (on sign out). */
export function disconnectLive(): void {
  wanted = false;
  opened = 0;
  source?.close();
  source = undefined;
  stateListeners.forEach((listener) => listener(false));
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

/** Follows whether the stream is connected. */
export function onLiveState(listener: (connected: boolean) => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

/**
 * `fn`, called at most once per `ms` after the last call: a burst of events becomes one fetch.
 *
 *     const refresh = debounce(load, 300);
 */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}
