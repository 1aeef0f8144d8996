// What a Teams customer sees when a card's button sends an invoke rather than a message (an Adaptive Card's
// Action.Execute, a dialog's task/fetch, a message extension): the choice it carries answers the question waiting, and
// Teams gets the quiet answer it expects for the rest, never botbuilder's 501, which Teams shows as an error.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../../helpers.ts';
import { fixture, settled, startBotFramework, topicFlow, type BotFrameworkServer } from './harness.ts';

const running: BotFrameworkServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});


/** An invoke from Jonas's personal chat (`teams-message.json`), named `name`, carrying `value`. */
function invoke(name: string, value: unknown, serviceUrl: string, id: string): Record<string, unknown> {
  const { text: _text, ...message } = fixture('teams-message');
  return { ...message, type: 'invoke', name, value, id, serviceUrl };
}

describe('a Teams customer whose button sends an invoke', () => {
  it('who presses an Adaptive Card\'s Action.Execute carrying a choice has it taken as the answer, and Teams shows no error', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': topicFlow } });
    running.push(bf);
    const serviceUrl = bf.service.serviceUrl('teams');
    await bf.post({ ...fixture('teams-message'), serviceUrl });
    await settled(bf);
    const of = bf.service.sentTo('a:1convId')[0]!.activity.attachments[0].content.buttons[0].value.of;
    const pressed = await bf.post(invoke('adaptiveCard/action', { action: { type: 'Action.Execute', title: 'Technical', verb: 'choose', data: { choice: 'tech', of } }, trigger: 'manual' }, serviceUrl, 'f5c1a2b0-0002'));
    expect(pressed).toEqual({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' } });
    await settled(bf);
    expect(bf.service.sentTo('a:1convId').at(-1)!.activity.text).toBe('Topic: tech');
    const [conversation] = await bf.app.store.conversations();
    const said = await bf.app.store.messagesOfConversation(conversation!.id);
    expect(said.filter((message) => message.direction === 'in').at(-1)).toMatchObject({ from: 'contact', text: 'Technical', choice: 'tech' });
  });

  it('who opens a dialog, a message extension or a card action of someone else\'s making gets a quiet 200, and nothing is said or stored', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': topicFlow } });
    running.push(bf);
    const serviceUrl = bf.service.serviceUrl('teams');
    expect(await bf.post(invoke('task/fetch', { data: { type: 'task/fetch' } }, serviceUrl, 'f5c1a2b0-0011'))).toEqual({ status: 200, body: {} });
    expect(await bf.post(invoke('task/submit', { data: { answer: 'x' } }, serviceUrl, 'f5c1a2b0-0012'))).toEqual({ status: 200, body: {} });
    expect(await bf.post(invoke('composeExtension/query', { commandId: 'search', parameters: [{ name: 'q', value: 'refund' }] }, serviceUrl, 'f5c1a2b0-0013'))).toEqual({ status: 200, body: { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [] } } });
    expect(await bf.post(invoke('adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'approve', data: { request: 7 } }, trigger: 'manual' }, serviceUrl, 'f5c1a2b0-0014'))).toEqual({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' } });
    await settled(bf);
    expect(bf.service.sentTo('a:1convId')).toEqual([]);
    expect(await bf.app.store.conversations()).toEqual([]);
  });
});
