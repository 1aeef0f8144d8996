// Agents read times in their own time zone (team.yaml's `timezone:`, an agent's or the file's), not UTC: through the
// real server (a child process), the Bot API faked on 127.0.0.1. A zone that does not exist is refused at its line,
// naming the agent, and what was in service stays. Embedded store only (see test/server/kill-points.ts).
import { expect, it } from 'vitest';
import { ADMIN_TOKEN, cleanUpAfterEach, KARIM, LAYLA, Life, OMAR, SARA, until } from './kill-points.ts';

cleanUpAfterEach();

/** Sara in Riyadh (her own zone), Omar in Arabic in Dubai (the file's): one seat each, Billing. */
const team = (saraZone: string) => `timezone: Asia/Dubai
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
    max_open: 1
    language: ar
  - name: Sara
    telegram: ${SARA}
    teams: [Billing]
    max_open: 1
    timezone: ${saraZone}
`;

/** The day and clock of `ms` `hours` ahead of UTC (Riyadh and Dubai keep no summer time): `['2026-12-07', '05:41']`. */
const wallClock = (ms: number, hours: number): [string, string] => {
  const iso = new Date(ms + hours * 3_600_000).toISOString();
  return [iso.slice(0, 10), iso.slice(11, 16)];
};

it.skipIf(process.env.STORE === 'postgres')('says when a conversation was closed in the agent\'s time zone, and refuses a zone that does not exist', async () => {
  const life = await Life.begin(team('Asia/Riyadh'));
  await life.say(SARA, '/online');
  await life.sees(SARA, /online/i);
  await life.say(LAYLA, 'hi');
  await life.say(LAYLA, 'layla@example.com');
  await life.say(LAYLA, 'Billing');
  await life.sees(SARA, /^#1 · /);

  // Nadia closes #1 from the dashboard; Sara, in Riyadh, reads when in Riyadh's time.
  const before = Date.now();
  expect(await life.admin('/conversations/1/close', { holder: 'sara' })).toMatchObject({ status: 200 });
  const after = Date.now();
  await life.sees(SARA, '#1 was closed by Nadia.');
  await life.say(SARA, '/close 1');
  const said = await life.sees(SARA, /^#1 was closed by Nadia on/);
  const riyadh = [wallClock(before, 3), wallClock(after, 3)].map(([day, clock]) => `#1 was closed by Nadia on ${day} at ${clock} Asia/Riyadh. Nothing was changed.`);
  expect(riyadh, said).toContain(said);

  // Omar, in Arabic, names no zone: the file's, Dubai's.
  await life.say(OMAR, '/online');
  await life.sees(OMAR, /.+/);
  await life.say(KARIM, 'hi');
  await life.say(KARIM, 'karim@example.com');
  await life.say(KARIM, 'Billing');
  await life.sees(OMAR, /^#2 · /);
  const closing = Date.now();
  await life.say(OMAR, '/close 2');
  await life.sees(OMAR, /^أُغلقت المحادثة #2\.$/);
  const closed = Date.now();
  await life.say(OMAR, '/close 2');
  const his = await life.sees(OMAR, /^أُغلقت المحادثة #2 بواسطتك في/);
  const dubai = [wallClock(closing, 4), wallClock(closed, 4)].map(([day, clock]) => `أُغلقت المحادثة #2 بواسطتك في \u2068${day}\u2069 الساعة \u2068${clock} Asia/Dubai\u2069. لم يتغير شيء.`);
  expect(dubai, his).toContain(his);

  // A misspelt zone for Sara, saved from the dashboard: refused at her line, by her name, with the fix; nothing changes.
  const teamApi = `${life.server.url}/api/team`;
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'x-admin-name': 'Nadia' };
  const { version } = await (await fetch(teamApi, { headers })).json() as { version: string };
  const res = await fetch(teamApi, { method: 'PUT', headers, body: JSON.stringify({ source: team('Asia/Riyadth'), baseVersion: version }) });
  expect(res.status).toBe(422);
  const { errors } = await res.json() as { errors: { line: number; message: string }[] };
  expect(errors).toEqual([expect.objectContaining({ line: 14, message: 'agent "Sara" has timezone "Asia/Riyadth", which is not a time zone (did you mean "Asia/Riyadh"?)' })]);
  expect((await (await fetch(teamApi, { headers })).json() as { version: string }).version).toBe(version);
  const told = life.sent(SARA).length;
  await life.say(SARA, '/close 1');
  await until('Sara told again', () => life.sent(SARA).length > told);
  expect(life.sent(SARA).at(-1)).toBe(said);
  await life.stop();
}, 180_000);
