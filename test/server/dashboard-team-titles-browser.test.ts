// Teams on the dashboard as an Arabic-speaking admin reads them, in Chromium, on a real Switchboard with the shipped
// team.yaml (Billing titled الفواتير): the queue board, the conversations, a conversation's details and timeline, the
// reports and the agents' teams name them by their Arabic titles, as agents and customers read them; a team typed
// by its title filters and transfers; English again on a language switch; a title published in team.yaml is shown
// without a reload. Screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, withPage } from '../admin-ui/scenario.ts';
import { visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { readShown, withShippedSwitchboard } from './shipped-in-chromium.ts';

const read = readShown;

const api = (app: Switchboard, method: string, path: string, body?: unknown) =>
  fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe.skipIf(!hasChromium)(inChromium('teams on the Arabic dashboard'), () => {
  let browser: Browser;
  let app: Switchboard;
  withShippedSwitchboard((running) => ({ browser, app } = running));

  it('names each team by its Arabic title, takes a title typed for a team, and shows a newly published title', () => withPage(browser, 'dashboard-team-titles-ar', { locale: 'ar', viewport: { width: 1280, height: 900 } }, async (page) => {
    // Sam's bill waits in Billing's queue: no agent is online.
    const sam = visitor(app.url, 'team-titles-sam', 'Sam');
    for (const text of ['hello', 'sam@example.com', 'I was charged twice']) expect((await sam.say(text)).status).toBe(202);

    await page.goto(`${app.url}/admin`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.locator('form button[type="submit"]').click();
    const group = page.locator('.column.waiting .team-group', { hasText: 'Sam' });
    await expect.poll(() => group.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => read(page, '.column.waiting .team-group h3')).toBe('الفواتير 1');
    // The name team.yaml gives it, under the pointer.
    expect(await page.locator('.column.waiting .team-group h3 .team-name').getAttribute('title')).toBe('Billing');
    await shot(page, 'dashboard-team-titles-queue-ar');

    // The conversations, filtered by the title as the admin reads it.
    await page.goto(`${app.url}/admin#/conversations`);
    await page.locator('.filters input[size]').fill('الفواتير');
    await page.locator('.filters button[type="submit"]').click();
    await expect.poll(() => page.locator('.rows .row').count()).toBe(1);
    expect(await read(page, '.rows .row .meta')).toContain('الفواتير');
    expect(await read(page, '.rows .row .meta')).not.toContain('Billing');

    // Its details and timeline, and a transfer to «الدعم الفني» typed as the admin reads Support.
    await page.locator('.rows .row a').click();
    await page.locator('dd.team').waitFor();
    expect(await read(page, 'dd.team')).toBe('الفواتير');
    expect(await page.locator('#team-names option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value).sort())).toEqual(['الدعم الفني', 'الفواتير', 'المبيعات'].sort());
    await page.locator('#transfer-to').fill('الدعم الفني');
    await page.locator('#transfer-to').press('Enter');
    await page.locator('.notice.ok').waitFor();
    await expect.poll(() => read(page, 'dd.team')).toBe('الدعم الفني');
    const [conversation] = await app.store.openConversations({});
    expect(conversation?.team).toBe('Support');
    // The timeline: the transfer to, and the queue joined, by their titles.
    await expect.poll(() => page.locator('.events li', { hasText: 'الدعم الفني' }).count()).toBe(2);
    expect(await read(page, '.events')).not.toMatch(/Billing|Support/);
    await shot(page, 'dashboard-team-titles-conversation-ar');

    // The reports' table of teams, and the agents' teams.
    await page.goto(`${app.url}/admin#/reports`);
    await page.locator('.figures-table.teams').waitFor();
    const teamsShown = await page.locator('.figures-table.teams tbody td:first-child').allInnerTexts();
    expect(teamsShown.map((text) => text.replace(/[\u2066-\u2069]/g, ''))).toEqual(expect.arrayContaining(['الفواتير', 'الدعم الفني']));
    expect(teamsShown.join(' ')).not.toMatch(/Billing|Support/);
    await page.goto(`${app.url}/admin#/team`);
    await page.locator('table.agents tbody tr').first().waitFor();
    expect(await read(page, 'table.agents tbody')).toContain('الفواتير');
    expect(await read(page, 'table.agents tbody')).not.toMatch(/Billing|Support|Sales/);

    // English on a language switch.
    await page.locator('header button.lang, button.lang').first().click();
    await expect.poll(() => read(page, 'table.agents tbody')).toContain('Billing');

    // A title published in team.yaml shows without a reload (back in Arabic).
    await page.locator('header button.lang, button.lang').first().click();
    const team = (await (await api(app, 'GET', '/api/team')).json()) as { version: string; source: string };
    const source = team.source.replace('title: { en: Billing, ar: الفواتير }', 'title: { en: Billing, ar: الحسابات }');
    expect(source).not.toBe(team.source);
    expect((await api(app, 'PUT', '/api/team', { source, baseVersion: team.version })).status).toBe(200);
    await expect.poll(() => read(page, 'table.agents tbody'), { timeout: 10_000 }).toContain('الحسابات');
    await shot(page, 'dashboard-team-titles-team-ar');
  }), 90_000);
});
