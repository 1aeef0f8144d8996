// A contact's fields named like what every JavaScript object answers to (`__proto__`, `constructor`), which an older
// store may hold (flows may no longer write them), as an Arabic admin meets them on the Contacts page in Chromium:
// shown with their values and why flows cannot read them, a value given to one refused in the admin's language, and
// renamed or removed for good. Screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, withPage } from '../admin-ui/scenario.ts';
import { visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { readShown, withShippedSwitchboard } from './shipped-in-chromium.ts';

const read = readShown;

describe.skipIf(!hasChromium)(inChromium('a contact with fields named like JavaScript’s own'), () => {
  let browser: Browser;
  let app: Switchboard;
  withShippedSwitchboard((running) => ({ browser, app } = running));

  it('shows __proto__ and constructor with their values, refuses a value for one in Arabic, and renames and removes them for good', () => withPage(browser, 'contact-reserved-fields', { locale: 'ar', viewport: { width: 1100, height: 800 } }, async (page) => {
    await visitor(app.url, 'reserved-nour', 'Nour').say('hello');
    const [contact] = await app.store.contacts();
    // As an older store holds them: parsed from JSON, own fields.
    await app.store.transaction(`contact:${contact!.id}`, async (tx) => {
      const stored = (await tx.contact(contact!.id))!;
      stored.fields = JSON.parse('{"__proto__":"gold member","constructor":"built-in","email":"nour@example.com"}') as typeof stored.fields;
      tx.putContact(stored);
    });

    await page.goto(`${app.url}/admin#/contacts/${contact!.id}`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.locator('form button[type="submit"]').click();
    const rows = page.locator('.contact-form .field-row');
    await rows.first().waitFor();
    const shown = async () => Promise.all((await rows.all()).map(async (row) => [await row.locator('input').nth(0).inputValue(), await row.locator('input').nth(1).inputValue()]));
    expect(await shown()).toEqual([['__proto__', 'gold member'], ['constructor', 'built-in'], ['email', 'nour@example.com']]);
    // Each says why flows cannot read it.
    expect(await read(page, '.field-row:nth-of-type(1) .field-warning')).toBe('لا تستطيع مسارات المحادثة قراءة حقل باسم «__proto__» (تحجز لغة JavaScript هذا الاسم لنفسها): غيّر اسمه أو احذفه.');
    expect(await page.locator('.field-row .field-warning').count()).toBe(2);
    await shot(page, 'contact-reserved-fields-ar');

    // A new value for __proto__ would be lost: refused, in Arabic, nothing saved.
    await rows.nth(0).locator('input').nth(1).fill('platinum');
    await page.locator('.contact-form button[type="submit"]').click();
    await page.locator('.notice.error').waitFor();
    expect(await read(page, '.notice.error')).toBe('لا تستطيع مسارات المحادثة قراءة حقل باسم «__proto__» (تحجز لغة JavaScript هذا الاسم لنفسها): غيّر اسمه أو احذفه.');
    expect(Object.hasOwn((await app.store.contact(contact!.id))!.fields, '__proto__')).toBe(true);

    // Renamed, and constructor removed: saved as the admin sees it.
    await rows.nth(0).locator('input').nth(0).fill('tier');
    await rows.nth(1).getByRole('button').click();
    await page.locator('.contact-form button[type="submit"]').click();
    await page.locator('.notice.ok').waitFor();
    const fields = (await app.store.contact(contact!.id))!.fields;
    expect(Object.keys(fields).sort()).toEqual(['email', 'tier']);
    expect(fields.tier).toBe('platinum');
    await expect.poll(shown).toEqual([['email', 'nour@example.com'], ['tier', 'platinum']]);
    expect(await page.locator('.field-row .field-warning').count()).toBe(0);
  }), 60_000);
});
