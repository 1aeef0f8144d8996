// Reading an event stream in tests as a page's EventSource reads it.
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An event stream read as a page's EventSource reads it: connected again a moment after the server ends it, until
 * aborted. Resolves once it is first connected.
 */
export async function follow(url: string): Promise<AbortController> {
  const controller = new AbortController();
  let connected: () => void = () => {};
  let refused: (error: Error) => void = () => {};
  const first = new Promise<void>((resolve, reject) => {
    connected = resolve;
    refused = reject;
  });
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch(url, { signal: controller.signal });
        if (res.status !== 200) {
          refused(new Error(`${url} answered ${res.status}`));
          return;
        }
        connected();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) void chunk;
      } catch {
        // Aborted, or cut: connected again below unless aborted.
      }
      await sleep(100);
    }
  })();
  await first;
  return controller;
}
