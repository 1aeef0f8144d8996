// An agent working from WhatsApp (the Cloud API) edits a message he sent a customer (a message of type `edit` from his
// number), through the real server and the fake Graph API: the customer gets a correction quoting the message she got
// (`context`), once however often Meta delivers the edit; after the close she gets nothing and the agent is told.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../../helpers.ts';
import { SHEENA, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const OMAR = '15550001234';
const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${OMAR}"\n    teams: [Billing]\n`;
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

let edits = 1;
/** Meta's message for Omar's edit of `original` (its wamid) to `now`. */
const editOf = (original: string, now: string) => ({
  from: OMAR, id: `wamid.AGENTEDIT${edits++}`, timestamp: '1763950400', type: 'edit',
  edit: { original_message_id: original, message: { type: 'text', text: { body: now } } },
});

/** Posts Omar's `message` as Meta does. */
const fromOmar = (cloud: CloudServer, message: Record<string, unknown>) => cloud.post(messagesBody([message], { from: OMAR, name: 'Omar' }));

/** Omar online, Sheena's conversation his, and his reply `body` sent to her; resolves to his message and the wamid she got. */
async function omarReplied(body: string): Promise<{ cloud: CloudServer; reply: Record<string, unknown>; got: string }> {
  const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
  running.push(cloud);
  expect((await fromOmar(cloud, text('/online', { from: OMAR }))).status).toBe(200);
  expect((await cloud.post(messagesBody([text('hello')]))).status).toBe(200);
  await settled(cloud, OMAR);
  const reply = text(body, { from: OMAR });
  expect((await fromOmar(cloud, reply)).status).toBe(200);
  await settled(cloud, OMAR);
  const got = cloud.graph.sent.find((sent) => sent.body.to === SHEENA && sent.body.text?.body === body);
  expect(got).toBeDefined();
  return { cloud, reply, got: got!.id };
}

describe('WhatsApp Cloud: an agent edits a message the customer got', () => {
  it('sends Sheena the correction once, quoting the message she got, however often Meta delivers the edit', async () => {
    const { cloud, reply, got } = await omarReplied('Your refund is 50 EUR');
    const toSheena = cloud.graph.saidTo(SHEENA).length;
    const toOmar = cloud.graph.saidTo(OMAR).length;

    const fixed = editOf(reply.id as string, 'Your refund is 15 EUR');
    expect((await fromOmar(cloud, fixed)).status).toBe(200);
    expect((await fromOmar(cloud, fixed)).status).toBe(200);
    await settled(cloud, OMAR);
    expect(cloud.graph.saidTo(SHEENA).slice(toSheena)).toEqual(['Correction: Your refund is 15 EUR']);
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toMatchObject({ to: SHEENA, type: 'text', context: { message_id: got } });
    expect(cloud.graph.saidTo(OMAR).slice(toOmar)).toEqual([]);
  });

  it('sends Sheena nothing for an edit after the close, and tells Omar on WhatsApp it did not reach her', async () => {
    const { cloud, reply } = await omarReplied('Your refund is 50 EUR');
    expect((await fromOmar(cloud, text('/close', { from: OMAR }))).status).toBe(200);
    await settled(cloud, OMAR);
    const toSheena = cloud.graph.saidTo(SHEENA).length;
    const toOmar = cloud.graph.saidTo(OMAR).length;

    expect((await fromOmar(cloud, editOf(reply.id as string, 'Your refund is 15 EUR'))).status).toBe(200);
    await settled(cloud, OMAR);
    expect(cloud.graph.saidTo(OMAR).slice(toOmar)).toEqual([expect.stringMatching(/^#1 was closed by you on \d{4}-\d\d-\d\d at \d\d:\d\d UTC: your edit did not reach the customer\.$/)]);
    expect(cloud.graph.saidTo(SHEENA).slice(toSheena)).toEqual([]);
  });
});
