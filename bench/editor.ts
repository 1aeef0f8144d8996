// `npm run bench:editor`: how long an admin waits in the dashboard's flow editor with a long flow. Starts Switchboard
// on 127.0.0.1 (a temp DATA_DIR with a short flow and team.yaml), opens the flow in Debian's Chromium, and for the
// 3,000-line flow of test/admin-ui/large-flow.ts measures:
//   - paste: from the paste until the page answers again (the next frame is drawn), and until its checks are shown
//     ("No problems found."); once as Ctrl+V of the clipboard, once inserted as a keyboard or an input method does
//     (CDP's Input.insertText: no paste event, the browser edits the page itself);
//   - type: one character typed at the end, until it is drawn; and until the problem it makes is listed at its line;
//   - publish: from the click until "Published version …".
// Against baselines measured in the same run: the same paste into a plain <textarea> on the same page, and the
// same steps with a 33-line flow.
//
//   npm run bench:editor
//   BENCH_EDITOR_LINES=6000 npm run bench:editor     # a longer flow
//   BENCH_EDITOR_PROFILE=prof npm run bench:editor   # also a CPU profile of the page (CDP Profiler) of each step
//                                                    # with the long flow, as prof/editor-*.cpuprofile (open in
//                                                    # Chrome's DevTools), and its heaviest functions printed
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { createLogger } from '../src/shared/log.ts';
import { startSwitchboard } from '../src/server/switchboard.ts';
import { SHORT_FLOW, largeFlow, largeFlowTeam } from '../test/admin-ui/large-flow.ts';
import { CHROMIUM, hasChromium, launch, signIn } from '../test/admin-ui/scenario.ts';

const lines = Number(process.env.BENCH_EDITOR_LINES ?? 3000);
const rounds = Number(process.env.BENCH_EDITOR_ROUNDS ?? 3);
const profileDir = process.env.BENCH_EDITOR_PROFILE;
const token = 'bench-editor-admin-token-0123456789';

const START = SHORT_FLOW;
const TEAM = largeFlowTeam('bench-token-0123456789abcdef');

/** Resolves once the page has drawn a frame after everything queued before it (its main thread is free again). */
const drawn = (page: Page) => page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));

/**
 * Resolves once `selector` matches, looked for at every frame: a locator's wait looks less and less often (up to every
 * 0.5 s), which would count its own delay.
 */
const shown = (page: Page, selector: string) => page.waitForFunction((selector) => document.querySelector(selector) !== null, selector, { polling: 'raf', timeout: 600_000 });

async function timed(step: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await step();
  return performance.now() - started;
}

interface Figures { paste: number; pasteChecked: number; type: number; typeChecked: number; publish: number }

/** Heaviest functions of a CPU profile by self time: "name (url:line) ms". */
function heaviest(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[]; startTime: number; endTime: number; samples?: number[] }, count = 12): string[] {
  const total = profile.samples?.length ?? 0;
  const ms = total ? (profile.endTime - profile.startTime) / 1000 / total : 0;
  const self = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} (${url.split('/').pop()}:${lineNumber + 1})`;
    self.set(key, (self.get(key) ?? 0) + (node.hitCount ?? 0));
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, count).map(([key, hits]) => `${(hits * ms).toFixed(0).padStart(7)} ms  ${key}`);
}

async function profiled<T>(cdp: CDPSession | undefined, name: string, step: () => Promise<T>): Promise<T> {
  if (!cdp || !profileDir) return step();
  await cdp.send('Profiler.start');
  const result = await step();
  const { profile } = await cdp.send('Profiler.stop');
  await mkdir(profileDir, { recursive: true });
  await writeFile(join(profileDir, `editor-${name}.cpuprofile`), JSON.stringify(profile));
  console.log(`  profile of ${name} (${join(profileDir, `editor-${name}.cpuprofile`)}), heaviest by self time:`);
  for (const line of heaviest(profile as never)) console.log(`  ${line}`);
  return result;
}

type How = 'paste' | 'insert';

/** Puts `text` where the cursor is: Ctrl+V of the clipboard, or inserted as a keyboard or input method does. */
async function put(page: Page, text: string, how: How): Promise<void> {
  if (how === 'paste') await page.keyboard.press('Control+V');
  else await page.keyboard.insertText(text);
}

/** The editor's steps with `text`: paste it over the flow, type one character at its end, publish. */
async function editorRound(page: Page, url: string, text: string, how: How, cdp?: CDPSession): Promise<Figures> {
  await page.goto(`${url}/admin#/flows/inbound`);
  await page.reload();
  await page.locator('.editor .cm-content').waitFor();
  await page.locator('.editor-status', { hasText: '1 warning' }).waitFor();
  if (how === 'paste') await page.evaluate((text) => navigator.clipboard.writeText(text), text);
  await page.click('.editor .cm-content');
  await page.keyboard.press('Control+A');
  return profiled(cdp, how, async () => {
    const started = performance.now();
    await put(page, text, how);
    await drawn(page);
    const paste = performance.now() - started;
    await shown(page, '.editor-status .ok-text');
    const pasteChecked = performance.now() - started;
    // One character at the end of the last line: `- close: "…"x` is a YAML error there.
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    const typedAt = performance.now();
    await page.keyboard.type('x');
    await drawn(page);
    const type = performance.now() - typedAt;
    const last = text.split('\n').length - 1;
    await shown(page, `.problems li[data-line="${last}"]`);
    const typeChecked = performance.now() - typedAt;
    await page.keyboard.press('Backspace');
    await shown(page, '.editor-status .ok-text');
    const publish = await timed(async () => {
      await page.getByRole('button', { name: 'Publish' }).click();
      await shown(page, '.notice.ok');
    });
    return { paste, pasteChecked, type, typeChecked, publish };
  });
}

/** The same paste into a plain <textarea> added to the page: what the browser itself costs. */
async function textareaRound(page: Page, url: string, text: string, how: How): Promise<number> {
  await page.goto(`${url}/admin#/flows/inbound`);
  await page.reload();
  await page.locator('.editor .cm-content').waitFor();
  await page.evaluate(() => {
    const area = document.createElement('textarea');
    area.id = 'bench-textarea';
    area.rows = 20;
    document.body.append(area);
  });
  if (how === 'paste') await page.evaluate((text) => navigator.clipboard.writeText(text), text);
  await page.click('#bench-textarea');
  const started = performance.now();
  await put(page, text, how);
  await drawn(page);
  const took = performance.now() - started;
  const length = await page.evaluate(() => (document.getElementById('bench-textarea') as HTMLTextAreaElement).value.length);
  if (length !== text.length) throw new Error(`the textarea holds ${length} characters after the ${how}, not ${text.length}`);
  return took;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`.padStart(11);

async function main(): Promise<void> {
  if (!hasChromium) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`);
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-editor-'));
  await mkdir(join(dir, 'flows'));
  await writeFile(join(dir, 'team.yaml'), TEAM);
  await writeFile(join(dir, 'flows', 'inbound.yaml'), START);
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN: token },
    log: createLogger({ level: 'silent' }),
    watch: false,
    sweepEveryMs: 0,
  });
  /** The short flow back on disk and in service, as at the start: each round publishes over it. */
  const reset = async () => {
    await writeFile(join(dir, 'flows', 'inbound.yaml'), START);
    await app.flows.reload();
  };
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${String(error)}`));
    await signIn(page, app.url, token);
    const large = largeFlow(lines);
    const small = largeFlow(33);
    console.log(`Flow editor in Chromium ${browser.version()}: a ${lines.toLocaleString('en')}-line flow (${(Buffer.byteLength(large) / 1024).toFixed(0)} KiB) against a 33-line one and a plain <textarea>, median of ${rounds} rounds`);
    const figures = { paste: { large: [] as Figures[], small: [] as Figures[], textarea: [] as number[] }, insert: { large: [] as Figures[], small: [] as Figures[], textarea: [] as number[] } };
    for (let round = 0; round < rounds; round++) {
      for (const how of ['paste', 'insert'] as const) {
        // The browser's own insert into a textarea takes tens of seconds: measured in the first round only.
        if (how === 'paste' || round === 0) figures[how].textarea.push(await textareaRound(page, app.url, large, how));
        await reset();
        figures[how].small.push(await editorRound(page, app.url, small, how));
        await reset();
        const cdp = round === 0 && profileDir ? await context.newCDPSession(page) : undefined;
        if (cdp) await cdp.send('Profiler.enable');
        figures[how].large.push(await editorRound(page, app.url, large, how, cdp));
        await cdp?.detach();
        const last = figures[how].large.at(-1)!;
        console.log(`  round ${round + 1}, ${how}: ${Math.round(last.paste)} ms (checks shown at ${Math.round(last.pasteChecked)} ms), type ${Math.round(last.type)} ms (its error shown at ${Math.round(last.typeChecked)} ms), publish ${Math.round(last.publish)} ms`);
      }
    }
    console.log(`${''.padEnd(48)}${`${lines} lines`.padStart(11)}${'33 lines'.padStart(11)}${'textarea'.padStart(11)}`);
    for (const how of ['paste', 'insert'] as const) {
      const row = (name: string, pick: (figures: Figures) => number, baseline?: number) =>
        console.log(`${name.padEnd(48)}${ms(median(figures[how].large.map(pick)))}${ms(median(figures[how].small.map(pick)))}${baseline === undefined ? '' : ms(baseline)}`);
      row(how === 'paste' ? 'paste (Ctrl+V), until the page answers' : 'insert (keyboard), until the page answers', (f) => f.paste, median(figures[how].textarea));
      row('  and until its checks are shown', (f) => f.pasteChecked);
      row('  type one character, until it is drawn', (f) => f.type);
      row('  type one character, until its error shows', (f) => f.typeChecked);
      row('  publish, until "Published version"', (f) => f.publish);
    }
  } finally {
    await browser.close();
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
