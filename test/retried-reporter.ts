// Names every test that passed only when run a second time (vitest.config.ts retries a test once when a wait ran out
// of time, never when a value was wrong), with what its first run said, at the end of the run and in CI's summary: a
// test that needs its second run is a flaky test to mend, not a pass to forget.
import type { Reporter, TestCase } from 'vitest/node';

export default class RetriedReporter implements Reporter {
  readonly #retried: string[] = [];

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    if (result.state !== 'passed' || !testCase.diagnostic()?.retryCount) return;
    const first = result.errors?.[0]?.message.split('\n')[0] ?? '';
    this.#retried.push(`${testCase.module.relativeModuleId} > ${testCase.fullName}: ${first}`);
  }

  onTestRunEnd(): void {
    for (const line of this.#retried) console.log(`PASSED ON RETRY ${line}`);
  }
}
