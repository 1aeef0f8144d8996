// One event stream for all of a browser's tabs: the server lets a session hold a few streams only (5), and a visitor
// or an agent may keep many tabs open. One tab holds the stream (a Web Lock, which the browser hands to another tab
// when that one closes or crashes) and tells the others what it receives (a BroadcastChannel). The holder says it is
// there every few seconds; one silent for longer (a tab the browser froze, not closed: its lock stays held) has the
// stream taken from it. A browser without either (or that refuses them to an embed) streams in every tab.

/**
 * How often the holder says it is there (ms), and how long the others wait without a word before taking the stream:
 * the page's `switchboard-tab-silence` (the server's `tabSilenceMs`, which a test lowers), else 30 s.
 */
const ALIVE_EVERY_MS = 2_000;
const SILENT_AFTER_MS = Number(document.querySelector('meta[name="switchboard-tab-silence"]')?.content) || 30_000;

const canShare = typeof BroadcastChannel === 'function' && typeof navigator.locks?.request === 'function';

/**
 * Takes this tab's part in the stream called `name`: `hold(signal)` runs while this tab holds it, until `signal`
 * aborts (it returns a promise settled once it gives the stream up); `heard(data)` is each thing the holder `tell`s;
 * `taken()`, that another tab took the stream while this one was not running (the caller takes its part again).
 * Returns `{ tell, stop }`; `tell` says nothing where tabs cannot share (each holds its own stream then).
 *
 *     const part = shareStream('switchboard.chat:v-1', { hold: (signal) => listen(signal), heard: show, taken: share });
 *     part.tell({ message }); part.stop();
 */
export function shareStream(name, { hold, heard, taken }) {
  const controller = new AbortController();
  const { signal } = controller;
  let channel;
  try {
    channel = canShare ? new BroadcastChannel(name) : undefined;
  } catch { /* refused to an embed: alone, below */ }
  if (!channel) {
    void hold(signal);
    return { tell: () => {}, stop: () => controller.abort() };
  }
  let holding = false;
  let heardAt = Date.now();
  channel.onmessage = (event) => {
    heardAt = Date.now();
    if (!event.data?.alive) heard(event.data);
  };
  const tell = (data) => { if (!signal.aborted) channel.postMessage(data); };
  const stop = () => {
    controller.abort();
    clearInterval(watch);
    channel.close();
  };
  const take = (how) => navigator.locks.request(`${name}:stream`, how, () => {
    if (holding || signal.aborted) return undefined;
    holding = true;
    return hold(signal);
  }).catch((error) => {
    if (signal.aborted) return;
    // Taken by another tab while this one was frozen: this one waits for it again, told meanwhile.
    if (error?.name === 'AbortError') {
      stop();
      return taken();
    }
    // Refused rather than given up (an embed denied storage): this tab streams on its own.
    holding = true;
    void hold(signal);
  });
  const watch = setInterval(() => {
    if (holding) tell({ alive: true });
    else if (Date.now() - heardAt > SILENT_AFTER_MS) {
      heardAt = Date.now();
      void take({ steal: true });
    }
  }, ALIVE_EVERY_MS);
  void take({ signal });
  return { tell, stop };
}
