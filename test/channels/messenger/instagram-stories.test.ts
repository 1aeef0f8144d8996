// An Instagram customer answers one of the flow's questions by replying to one of the account's stories, or mentions
// the account in their story while the flow waits. Through the real server and the fake Graph API with INSTAGRAM=1:
// the words of a story reply are the answer (the story's line stays in the transcript, for the agent); a story mention
// answers nothing, and the question waits for the customer's answer.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { IGSID, IG_ACCOUNT, batch, settled, startMessenger, textEvent, type MessengerServer } from './harness.ts';

const running: MessengerServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const flow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your order number?"
    save: conversation.order
  - ask: "What can we help you with?"
    save: conversation.need
  - say: "Thanks: {{conversation.order}}, {{conversation.need}}."
`;
const storyUrl = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17999111222333444&signature=StOrY';
const mentionUrl = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18000555666777888&signature=MeNtIoN';

describe('Instagram stories at a question of the flow', () => {
  it('takes a story reply\'s words as the answer, not the story\'s line; a story mention answers nothing', async () => {
    const messenger = await startMessenger({ flows: { 'inbound.yaml': flow }, config: { INSTAGRAM: '1' } });
    running.push(messenger);
    const said = async (count: number) => {
      await eventually(() => messenger.graph.saidTo(IGSID).length >= count);
      await settled(messenger);
      return messenger.graph.saidTo(IGSID);
    };
    expect((await messenger.post(batch([textEvent('hi', { from: IGSID, to: IG_ACCOUNT, timestamp: 1763950500000 })], { object: 'instagram' }))).status).toBe(200);
    expect(await said(1)).toEqual(['What is your order number?']);
    // As Meta documents them: a mention comes as a `story_mention` attachment, a reply names the story (`reply_to.story`).
    const mention = { sender: { id: IGSID }, recipient: { id: IG_ACCOUNT }, timestamp: 1763950510000, message: { mid: 'ig_m_mention', attachments: [{ type: 'story_mention', payload: { url: mentionUrl } }] } };
    expect((await messenger.post(batch([mention], { object: 'instagram' }))).status).toBe(200);
    await settled(messenger);
    const reply = { sender: { id: IGSID }, recipient: { id: IG_ACCOUNT }, timestamp: 1763950520000, message: { mid: 'ig_m_reply', text: 'A-1234', reply_to: { story: { url: storyUrl, id: '17999111222333444' } } } };
    expect((await messenger.post(batch([reply], { object: 'instagram' }))).status).toBe(200);
    // Before: the mention's line was taken as the order number, and the story reply (its line and A-1234) as the need.
    expect((await said(2)).at(-1)).toBe('What can we help you with?');
    expect((await messenger.post(batch([textEvent('the dress never came', { from: IGSID, to: IG_ACCOUNT, timestamp: 1763950530000 })], { object: 'instagram' }))).status).toBe(200);
    expect(await said(3)).toEqual(['What is your order number?', 'What can we help you with?', 'Thanks: A-1234, the dress never came.']);
    // The transcript keeps both lines, for whoever reads it.
    const [contact] = await messenger.app.store.contacts();
    const texts = (await messenger.app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in').map((m) => m.text);
    expect(texts[1]).toContain(`mentioned you in their story: ${mentionUrl}`);
    expect(texts[2]).toContain(`replied to your story: ${storyUrl}`);
    expect(texts[2]).toContain('A-1234');
  }, 30_000);
});
