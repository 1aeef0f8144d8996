import { afterEach, describe, expect, it } from 'vitest';
import { compileFlow } from '../../src/flows/compile.ts';
import { checkAnswer } from '../../src/flows/expect.ts';
import { COUNTS_STEPS } from '../../src/flows/patterns.ts';
import { script } from './helpers.ts';

// What publishing a script says of its patterns: refused, warned of, or taken.
function verdict(steps: string): { errors: string[] } | { warnings: string[] } {
  const result = compileFlow('flows/test.yaml', script(steps));
  return 'draft' in result ? { warnings: result.draft.warnings.map(String) } : { errors: result.errors.map(String) };
}
const branchOn = (pattern: string) =>
  `  - ask: "Order?"\n    save: conversation.order\n  - branch:\n      - if: { conversation.order: { matches: '${pattern}' } }\n        goto: found\n  - close: true\n  - id: found\n    say: "Found"\n`;
const askFor = (pattern: string) => `  - ask: "Order?"\n    expect: 'regex:${pattern}'\n    save: conversation.order\n  - close: true\n`;

const exec = RegExp.prototype.exec;
afterEach(() => {
  RegExp.prototype.exec = exec;
});

// A machine busy enough that each run of the script's pattern (`written`) on a text takes `ms` more.
function busyMachine(written: string[], ms: number): void {
  RegExp.prototype.exec = function slowed(this: RegExp, text: string) {
    if (written.some((pattern) => this.source.includes(pattern))) {
      for (const until = performance.now() + ms; performance.now() < until;);
    }
    return exec.call(this, text);
  };
}

describe('what publishing says of a pattern', () => {
  it('is the same on a busy machine as on an idle one: a pattern no text can match is refused, one no text tried passes is warned of', () => {
    // Node 20's V8 counts the steps (else the probe falls back to the time limit, and this test would fail).
    expect(COUNTS_STEPS).toBe(true);
    const refused = branchOn('^ord-$\\d+');
    const warned = askFor('(?=.*\\d)[A-Z]{3}');
    const idle = [verdict(refused), verdict(warned)];
    expect(idle).toEqual([
      { errors: ['flows/test.yaml:7: the pattern "^ord-$\\d+" matches no value at all: $ (the end of the field\'s value) comes before text; this condition never holds, whatever value the field has (write what the value must contain, e.g. matches: "^ord-\\\\d+$")'] },
      { warnings: ['flows/test.yaml:5: no answer tried passes the pattern "(?=.*\\d)[A-Z]{3}" ("AAA", "0AAA", "A0AAA", ORD-1234, name@example.com, 31/12/2025 and others): if none can, whatever the customer writes, they are asked again until on_fail (check the pattern against an answer a customer would write)'] },
    ]);
    // Each text tried now takes over 100 ms: time once decided how long a text could be tried.
    busyMachine(['^ord-$\\d+', '(?=.*\\d)[A-Z]{3}'], 110);
    expect([verdict(refused), verdict(warned)]).toEqual(idle);
  }, 30_000);

  it('counts a text a pattern backtracks without end on as passing it, and still warns of one no short text passes', () => {
    // Each of these takes millions of steps on some answers tried (ORD-1234, name@example.com, a's), twice as many
    // with each character more; they count as passing those, and so are neither refused nor warned of.
    for (const steps of [branchOn('(.*.*.*)*(?<=\\b\\B)'), branchOn('(([\\w\\s+/@.-]+)+)+(?<=\\b\\B)'), branchOn('(?:(a|a)+){40}(?<=\\b\\B)')]) {
      expect(verdict(steps), steps).toEqual({ warnings: [] });
    }
    // Tried on short texts only, where it takes some thousands of steps: no answer passes it, and it is warned of.
    expect(verdict(askFor('(([\\w\\s+/@.-]+)+)+(?<=\\b\\B)'))).toEqual({
      warnings: ['flows/test.yaml:5: no answer tried passes the pattern "(([\\w\\s+/@.-]+)+)+(?<=\\b\\B)" ("A", "AA", "AAA", ORD-1234, name@example.com, 31/12/2025 and others): if none can, whatever the customer writes, they are asked again until on_fail (check the pattern against an answer a customer would write)'],
    });
  }, 30_000);

  it('takes a customer\'s good answer on a busy machine as on an idle one, and still stops a pattern that backtracks without end', () => {
    const order = /^(?:ORD-\d{4})$/u;
    busyMachine(['ORD-'], 110);
    expect(checkAnswer({ type: 'regex', pattern: order }, { text: ' ORD-1234 ' })).toMatchObject({ ok: true, value: 'ORD-1234' });
    RegExp.prototype.exec = exec;
    expect(() => checkAnswer({ type: 'regex', pattern: /^(?:(a+)+b)$/u }, { text: `${'a'.repeat(40)}!` })).toThrow(/stepped back over 5,000,000 times on the customer's text/);
  });

  it('reads a pattern whose ways through multiply before its shortest texts without holding the server', () => {
    // refa walked every way through `(.*!){12}` (the lookahead left out) for its six shortest texts: 5 s of the one
    // thread with ten, minutes with twelve, at every check the editor asks for as the admin types.
    const used = process.cpuUsage();
    // No value tried passes (one needs twelve a's before twelve "!"): warned of, as before, once read.
    expect(verdict(branchOn('(?=(.*a){12})(.*!){12}'))).toEqual({
      warnings: ['flows/test.yaml:7: no value tried passes the pattern "(?=(.*a){12})(.*!){12}" ("!!!!!!!!!!!!", "A!!!!!!!!!!!!", "!A!!!!!!!!!!!", ORD-1234, name@example.com, 31/12/2025 and others): if none can, this condition never holds (check the pattern against a value the field would hold)'],
    });
    const { user, system } = process.cpuUsage(used);
    expect((user + system) / 1000).toBeLessThan(3_000);
  }, 30_000);
});
