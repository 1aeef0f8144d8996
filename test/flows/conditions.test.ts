// A branch on `matches:` as a Telegram customer meets it, end to end against the fake Bot API: a pattern routes the
// customer's answer; one saved so that no value can match it (the branch would never be taken) is refused at its line
// and column, in the log and /healthz, and the version before it keeps serving customers.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, recordingLog } from '../helpers.ts';
import { LAYLA, post, telegramServers, textNow as text } from '../channels/telegram/harness.ts';

const orders = (question: string, pattern: string) => `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "${question}"
    save: conversation.order
  - branch:
      - if: { conversation.order: { matches: "${pattern}" } }
        goto: found
  - say: "We could not find that order."
  - close: true
  - id: found
    say: "Thanks, order {{conversation.order}} is on its way."
  - close: true
`;

const { setUp } = telegramServers();

describe('a branch on matches:', () => {
  it('routes the customer\'s answer by its pattern; one no value can match is refused at its line and column, and the version before it keeps serving', async () => {
    const { log, lines } = recordingLog();
    const { app, api, dir } = await setUp({ webhook: true, log, flows: { 'inbound.yaml': orders('Your order number?', '^ord-\\\\d+$') } });
    const toLayla = (from: number) => api.sentTo(LAYLA).slice(from);
    const say = async (body: string) => expect(await post(app, text(LAYLA, body))).toBe(200);

    // Case does not matter: the pattern is matched case-insensitively.
    await say('hi');
    await eventually(() => api.sentTo(LAYLA).at(-1) === 'Your order number?');
    await say('ORD-1234');
    await eventually(() => api.sentTo(LAYLA).includes('Thanks, order ORD-1234 is on its way.'));

    // The admin moves the $ by mistake: no order number can be followed by digits after its end.
    await writeFile(join(dir, 'flows', 'inbound.yaml'), orders('Which order is it about?', '^ord-$\\\\d+'));
    await app.flows.reload();
    const refusal = 'flows/inbound.yaml:7:9: the pattern "^ord-$\\d+" matches no value at all: $ (the end of the field\'s value) comes before text; this condition never holds, whatever value the field has (write what the value must contain, e.g. matches: "^ord-\\\\d+$")';
    expect(lines.filter((line) => line.level === 50 && line.file === 'flows/inbound.yaml')).toEqual([
      expect.objectContaining({ line: 7, column: 9, msg: refusal }),
    ]);
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { fileErrors?: string[] }).fileErrors).toEqual([refusal]);

    // Layla writes again: the version before it asks, and her order is found.
    const again = api.sentTo(LAYLA).length;
    await say('hello again');
    await eventually(() => toLayla(again).length === 1);
    await say('ord-77');
    await eventually(() => toLayla(again).length === 2);
    expect(toLayla(again)).toEqual(['Your order number?', 'Thanks, order ord-77 is on its way.']);
  }, 60_000);
});
