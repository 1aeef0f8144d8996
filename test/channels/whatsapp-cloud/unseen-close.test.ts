// An agent working from WhatsApp (the Cloud API) sends /close as the customer writes again, through the real server and
// the fake Graph API: the relay of her words has not gone out yet, so the close is refused with them quoted, after
// them in his chat; the conversation stays open, and his /close once they reached him closes. WhatsApp's message ids
// do not say which of two messages came first: a relay Meta took before the /close was handled counts as seen.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../../helpers.ts';
import { metaError } from '../meta/fake-graph-api.ts';
import { SHEENA, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const OMAR = '15550001234';
const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${OMAR}"\n    teams: [Billing]\n`;
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const REFUSED = 'Sheena Nelson wrote in #1 what your chat had not shown you when you sent /close: "wait, one more thing". Nothing was closed: read it, then close again.';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

/** Posts Omar's `message` as Meta does. */
const fromOmar = (cloud: CloudServer, message: Record<string, unknown>) => cloud.post(messagesBody([message], { from: OMAR, name: 'Omar' }));

describe('WhatsApp Cloud: an agent\'s /close as the customer writes again', () => {
  it('is refused while the relay of her words waits in the outbox; Omar reads them, then the refusal, and his next /close closes', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    running.push(cloud);
    expect((await fromOmar(cloud, text('/online', { from: OMAR }))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('hello')]))).status).toBe(200);
    await settled(cloud, OMAR);
    const toSheena = cloud.graph.saidTo(SHEENA).length;

    // Meta fails the relay of Sheena's words once (its own failure): it waits a second in the outbox, and Omar's
    // /close comes meanwhile.
    cloud.graph.fail(1, metaError(500, 131000, 'Something went wrong'));
    expect((await cloud.post(messagesBody([text('wait, one more thing')]))).status).toBe(200);
    expect((await fromOmar(cloud, text('/close', { from: OMAR }))).status).toBe(200);
    // On the code before: closed here, and Sheena's last words sat in the closed transcript.
    expect((await cloud.app.store.conversation(1))?.status).toBe('open');
    await settled(cloud, OMAR);
    expect(cloud.graph.saidTo(OMAR).slice(-2)).toEqual(['#1 Sheena Nelson: wait, one more thing', REFUSED]);
    expect(cloud.graph.saidTo(SHEENA).slice(toSheena)).toEqual([]);

    // She writes again: still Omar's conversation, not a new one.
    expect((await cloud.post(messagesBody([text('my order is A-1234')]))).status).toBe(200);
    await settled(cloud, OMAR);
    expect(cloud.graph.saidTo(OMAR).at(-1)).toBe('#1 Sheena Nelson: my order is A-1234');

    expect((await fromOmar(cloud, text('/close refunded', { from: OMAR }))).status).toBe(200);
    await settled(cloud, OMAR);
    expect(cloud.graph.saidTo(OMAR).at(-1)).toBe('Closed #1 (refunded).');
    expect(cloud.graph.saidTo(SHEENA).slice(toSheena).at(-1)).toMatch(/now closed/);
    expect((await cloud.app.store.conversation(1))?.status).toBe('closed');
  });
});
