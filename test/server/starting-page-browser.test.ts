// What a person reads who opens the web chat as soon as the log names its address, on a first start (the NLP model
// still training): a page saying Switchboard is starting, in English or Arabic as their browser asks, which brings
// the web chat by itself once it is ready; before, the browser showed the raw JSON refusal and stayed on it. An API
// client is still answered JSON. Screenshots go to test-results/admin-ui/.
import { Writable } from 'node:stream';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/log.ts';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, launch, shot, withPage } from '../admin-ui/scenario.ts';
import { cleanupDirs, shippedDataDir } from '../helpers.ts';

describe.skipIf(!hasChromium)(inChromium('the web chat opened while Switchboard starts'), () => {
  let browser: Browser;
  const running: Switchboard[] = [];
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all(running.splice(0).map((app) => app.stop()));
    await cleanupDirs();
  });

  it('says it is starting, in English and in Arabic, and opens the web chat by itself once ready', async () => {
    const dir = await shippedDataDir({ trained: false });
    let announced: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => (announced = resolve));
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const text of String(chunk).split('\n').filter(Boolean)) {
          const line = JSON.parse(text) as { msg: string; url?: string };
          if (line.msg === 'Switchboard is starting' && line.url) announced(line.url);
        }
        done();
      },
    });
    const starting = startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir }, log: createLogger({ level: 'info', destination }), watch: false, sweepEveryMs: 0 });
    void starting.then((app) => running.push(app), () => undefined);
    const address = await url;

    // A client of the API (no Accept, or JSON) is still answered the refusal as JSON.
    const api = await fetch(`${address}/`);
    expect(api.status).toBe(503);
    expect(await api.json()).toEqual({ error: 'Switchboard is starting; try again shortly', kind: 'unavailable' });

    const opens = (locale: string, heading: string, words: RegExp) => withPage(browser, `starting-page-${locale}`, { locale }, async (page) => {
      const first = await page.goto(address);
      expect(first?.status()).toBe(503);
      await expect.poll(() => page.locator('h1').textContent()).toBe(heading);
      expect(await page.locator('p').textContent()).toMatch(words);
      await shot(page, `starting-page-${locale}`);
      // Nothing is pressed: the page looks again by itself until the web chat answers.
      await page.locator('#name').waitFor({ timeout: 150_000 });
      expect(await page.locator('#title').textContent()).not.toBe('');
    });
    await Promise.all([
      opens('en-US', 'Switchboard is starting', /^Switchboard is starting \(the first start prepares its language model, which takes a minute or so\)\. This page opens by itself once it is ready; it looks again in \d+ s\.$/),
      opens('ar', 'يجري تشغيل Switchboard', /^يجري تشغيل Switchboard \(يُجهّز أوّلُ تشغيلٍ نموذجَ اللغة، وقد يستغرق ذلك دقيقة تقريبًا\)\. تُفتح هذه الصفحة من تلقاء نفسها حين يصبح جاهزًا؛ ويُعاد التحقق بعد \d+ ث\.$/),
    ]);
    await starting;
  }, 200_000);
});
