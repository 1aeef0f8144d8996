// Two admins editing the same contact on the Contacts page at once, in Chromium against a real Switchboard: the second
// to save a field the first changed meanwhile is told, with the value now there, and nothing of theirs is written over
// it unseen; saving again puts theirs over it knowingly, and "load theirs" shows the colleague's. A field only one of
// them changed saves as before. In English and Arabic; screenshots go to test-results/admin-ui/.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot } from '../admin-ui/scenario.ts';
import { visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { readShown, withShippedSwitchboard } from './shipped-in-chromium.ts';

describe.skipIf(!hasChromium)(inChromium('two admins editing one contact, in Chromium'), () => {
  let browser: Browser;
  let app: Switchboard;
  withShippedSwitchboard((running) => ({ browser, app } = running));

  /** An admin of their own browser, signed in, on the contact's page with its fields shown. */
  async function opened(id: string, locale: 'en' | 'ar', width: number): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/admin#/contacts/${id}`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.locator('form button[type="submit"]').click();
    await page.locator('.contact-form .field-row').first().waitFor();
    return page;
  }
  /** The value box of the field row named `field` (a box's typed value is no attribute a selector can match). */
  const valueOf = async (page: Page, field: string) => {
    const rows = await page.locator('.contact-form .field-row').all();
    for (const row of rows) if (await row.locator('input').nth(0).inputValue() === field) return row.locator('input').nth(1);
    throw new Error(`no field row ${field}`);
  };
  const save = (page: Page) => page.locator('.contact-form button[type="submit"]').click();

  for (const [locale, width, words] of [
    ['en', 1100, { told: 'Not saved: someone changed this contact since you opened it (email is now nour@work.example)', load: 'Discard mine, load theirs' }],
    ['ar', 390, { told: 'لم يُحفظ شيء: غيّر شخص آخر جهة الاتصال هذه منذ فتحتها (أصبح email الآن nour@work.example)', load: 'تجاهل تعديلاتي وحمّل تعديله' }],
  ] as const) {
    it(`tells the second admin the first one's change instead of writing over it (${locale}, ${width} px)`, async () => {
      await visitor(app.url, `two-admins-${locale}`, 'Nour').say('hello');
      const contact = (await app.store.contacts()).find((each) => each.name === 'Nour' && each.identities.some((identity) => identity.id.includes(`two-admins-${locale}`)))
        ?? (await app.store.contacts()).at(-1)!;
      await app.store.transaction(`contact:${contact.id}`, async (tx) => {
        const stored = (await tx.contact(contact.id))!;
        stored.fields = { ...stored.fields, email: 'nour@example.com', city: 'Amman' };
        tx.putContact(stored);
      });
      const fields = async () => (await app.store.contact(contact.id))!.fields;

      const nadia = await opened(contact.id, locale, width);
      const karim = await opened(contact.id, locale, width);
      // Nadia corrects the email and saves.
      await (await valueOf(nadia, 'email')).fill('nour@work.example');
      await save(nadia);
      await nadia.locator('.notice.ok').waitFor();
      // Karim, on the page he opened before, types another email, and a city.
      await (await valueOf(karim, 'email')).fill('nour@old.example');
      await (await valueOf(karim, 'city')).fill('Irbid');
      await save(karim);
      await karim.locator('.notice.error').waitFor();
      expect(await readShown(karim, '.notice.error')).toContain(words.told);
      // Nothing of his written: Nadia's email stands, the city too.
      expect(await fields()).toMatchObject({ email: 'nour@work.example', city: 'Amman' });
      // His edits are still in the form.
      expect(await (await valueOf(karim, 'email')).inputValue()).toBe('nour@old.example');
      await shot(karim, `contact-changed-since-${locale}`);
      expect(await karim.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

      // Saved again, knowingly: his values go over hers.
      await save(karim);
      await karim.locator('.notice.ok').waitFor();
      expect(await fields()).toMatchObject({ email: 'nour@old.example', city: 'Irbid' });

      // Nadia, on her page, changes the email again: told; she loads his instead.
      await (await valueOf(nadia, 'email')).fill('nour@third.example');
      await save(nadia);
      await nadia.locator('.notice.error').waitFor();
      await nadia.getByRole('button', { name: words.load }).click();
      await expect.poll(async () => (await valueOf(nadia, 'email')).inputValue()).toBe('nour@old.example');
      expect(await (await valueOf(nadia, 'city')).inputValue()).toBe('Irbid');
      expect(await fields()).toMatchObject({ email: 'nour@old.example', city: 'Irbid' });
      await nadia.context().close();
      await karim.context().close();
    }, 120_000);
  }
});
