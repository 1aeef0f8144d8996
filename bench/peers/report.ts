// What every benchmarked server process does besides serving: prints its URL on stdout, answers an IPC
// "report" with its CPU time so far and peak RSS, and stops on SIGTERM.

export interface Report {
  /** User + system CPU time of this process since it started, in µs. */
  cpuUs: number;
  maxRssMb: number;
}

/**
 * Announces a listening server to the benchmark that forked it.
 *
 *     const server = app.listen(0, '127.0.0.1', () => serveBenchmark(server.address(), () => close()));
 */
export function serveBenchmark(url: string, stop: () => Promise<void>): void {
  process.on('message', (message) => {
    if (message !== 'report') return;
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuUs: user + system, maxRssMb: process.resourceUsage().maxRSS / 1024 } satisfies Report);
  });
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  process.stdout.write(`${url}\n`);
}
