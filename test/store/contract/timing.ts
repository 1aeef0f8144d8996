// Making concurrent transactions meet where a test wants them to: gates, barriers and pauses.

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets everything else that is ready run first (the next turn of the event loop). */
export const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A gate opened from outside: `wait` resolves once `open` was called. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** A meeting point for `parties`: `arrive` returns `all`, which resolves once every party arrived. */
export function barrier(parties: number): { arrive: () => Promise<void>; all: Promise<void> } {
  let arrived = 0;
  const { wait: all, open } = gate();
  return {
    arrive: () => {
      if (++arrived === parties) open();
      return all;
    },
    all,
  };
}
