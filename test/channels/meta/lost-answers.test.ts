// A Graph API call whose answer is lost after Meta took it: the send may have happened, so it is a failure that may
// pass (the outbox tries again, at most one duplicate, as for an answer that never came), never a refusal for good,
// which would mark a reply failed, and tell its agent so, although the person got it.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { GraphApi } from '../../../src/channels/meta/graph.ts';
import { OwnSends } from '../../../src/channels/messenger/own-sends.ts';
import { MESSENGER } from '../../../src/channels/messenger/platforms.ts';
import { Sender as MessengerSender } from '../../../src/channels/messenger/send.ts';
import { Sender as WhatsAppSender } from '../../../src/channels/whatsapp-cloud/send.ts';
import { cleanupDirs, hostFor, quietLog } from '../../helpers.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await cleanupDirs();
});

/** A Graph API that takes every call (200) and then loses the answer: cut off, or stalled past the call's limit. */
async function losingAnswers(how: 'cut' | 'stall'): Promise<{ root: string; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res: ServerResponse) => {
    req.resume();
    calls.push(req.url ?? '');
    const body = req.url?.endsWith('/media') ? '{"id":"4490709327384033"}' : '{"recipient_id":"999","message_id":"m_1","messages":[{"id":"wamid.1"}]}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    res.write(body.slice(0, 20));
    if (how === 'cut') setTimeout(() => res.destroy(), 20);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanup.push(() => new Promise((done) => { server.closeAllConnections(); server.close(done); }));
  return { root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

// A stalled answer is ended by the call's limit, which must not end the call before Meta's 200 is read (that would be
// a network error instead): on a loaded machine that took 1.6 s for the first fetch of a process. A cut answer needs
// no limit of its own.
const graphOn = (root: string, how: 'cut' | 'stall') => new GraphApi({ root, version: 'v21.0', token: 'EAAG-test', timeoutMs: how === 'stall' ? 2_000 : 30_000 });

for (const how of ['cut', 'stall'] as const) {
  it(`WhatsApp: a message Meta took whose answer is ${how === 'cut' ? 'cut off' : 'stalled past the limit'} is a failure that may pass`, async () => {
    const graph = await losingAnswers(how);
    const sender = new WhatsAppSender({ graph: graphOn(graph.root, how), phoneNumberId: '106540352242922', log: quietLog, now: () => new Date() });
    await expect(sender.send('16505551234', { id: 1, text: 'Your order shipped' }, undefined)).rejects.toMatchObject({ permanent: false, message: expect.stringContaining('answer (HTTP 200) broke off') });
    expect(graph.calls).toEqual(['/v21.0/106540352242922/messages']);
  });

  it(`Messenger: a message Meta took whose answer is ${how === 'cut' ? 'cut off' : 'stalled past the limit'} is a failure that may pass`, async () => {
    const graph = await losingAnswers(how);
    const host = hostFor(async () => undefined);
    host.lastInbound.set('999', new Date().toISOString());
    const sends = new OwnSends();
    const sender = new MessengerSender({ graph: graphOn(graph.root, how), platform: MESSENGER, sends, log: quietLog, now: () => new Date() });
    await expect(sender.send('999', { id: 1, text: 'Your order shipped' }, host)).rejects.toMatchObject({ permanent: false, message: expect.stringContaining('answer (HTTP 200) broke off') });
    expect(graph.calls.at(-1)).toBe('/v21.0/me/messages');
    // Its echo, with a mid never learned, is known as ours by its text (once), not taken for a person taking over.
    expect(await sends.isOurs('999', 'm_echo_1', { text: 'Your order shipped' })).toBe(true);
    expect(await sends.isOurs('999', 'm_echo_2', { text: 'Your order shipped' })).toBe(false);
    expect(await sends.isOurs('999', 'm_echo_3', { text: 'Sorry, I typed this in the Page Inbox' })).toBe(false);
  });
}
