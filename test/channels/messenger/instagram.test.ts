// Instagram Direct on the Messenger channel's code, through the real server with INSTAGRAM=1: its webhooks (`object:
// instagram`) on the same signed endpoint, names from the Instagram profile, quick replies, echoes (ours ignored, a
// person's a takeover), read receipts naming a message, and the same messaging window; off without INSTAGRAM=1.
// What differs from Messenger (texts of 1,000 bytes, the formats it carries, the upload's platform) at channel level.
import { afterEach, describe, expect, it } from 'vitest';
import { createMessengerChannels } from '../../../src/channels/messenger/index.ts';
import type { Channel } from '../../../src/types.ts';
import { cleanupDirs, eventually, hostFor, quietLog, recordingLog, visitor } from '../../helpers.ts';
import { FakeGraphApi } from '../meta/fake-graph-api.ts';
import { APP_SECRET, IG_ACCOUNT, IGSID, TOKEN, VERIFY_TOKEN, batch, clock, fixture, settled, startMessenger, textEvent, type MessengerServer } from './harness.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const topicFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Hi {{contact.name | there}}! What is this about?"
    expect: choice
    choices: [{ id: stock, title: Stock }, { id: order, title: My order }]
    save: conversation.topic
  - ask: "Topic: {{conversation.topic}}. Tell us more?"
    save: conversation.more
  - say: "Noted."
`;

async function server(options: Partial<Parameters<typeof startMessenger>[0]> = {}): Promise<MessengerServer> {
  const started = await startMessenger({ flows: { 'inbound.yaml': topicFlow }, ...options, config: { INSTAGRAM: '1', ...options.config } });
  running.push(started);
  return started;
}

const igEvent = (text: string, mid: string) => textEvent(text, { from: IGSID, to: IG_ACCOUNT, mid });

/** Lina (`language`, if given) of team Shop, online on her web chat session, and the customer's first Instagram message (`instagram-text`) in her hands. */
async function linaHoldsShopper(language?: 'ar'): Promise<{ messenger: MessengerServer; lina: ReturnType<typeof visitor> }> {
  const team = `teams:\n  - name: Shop\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Shop]\n${language ? `    language: ${language}\n` : ''}`;
  const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Shop }\n    queued: "Please wait."\n';
  const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team });
  const lina = visitor(messenger.app.url, 'agent-lina');
  await lina.say('/online');
  expect((await messenger.post(fixture('instagram-text'))).status).toBe(200);
  await settled(messenger);
  return { messenger, lina };
}

describe('Instagram Direct', () => {
  it('answers an Instagram customer by name with quick replies, takes the one pressed, and marks what they read', async () => {
    const messenger = await server();
    messenger.graph.addProfile(IGSID, { name: 'Layla', username: 'layla.h', profile_pic: 'https://example.com/p.jpg' });
    expect((await messenger.post(fixture('instagram-text'))).status).toBe(200);
    expect(messenger.graph.callsTo(`/${IGSID}`)[0]!.query).toBe('fields=name,username,profile_pic');
    const [contact] = await messenger.app.store.contacts();
    expect(contact).toMatchObject({ name: 'Layla', identities: [{ channel: 'instagram', id: IGSID }] });
    await settled(messenger);
    // The same Send API with the Page token; Instagram takes no metadata.
    expect(messenger.graph.sentTo(IGSID)).toEqual([{
      recipient: { id: IGSID },
      messaging_type: 'RESPONSE',
      message: { text: 'Hi Layla! What is this about?', quick_replies: [{ content_type: 'text', title: 'Stock', payload: expect.stringMatching(/^\{"choice":"stock","of":\d+\}$/) }, { content_type: 'text', title: 'My order', payload: expect.stringMatching(/^\{"choice":"order","of":\d+\}$/) }] },
    }]);

    const pressed = igEvent('Stock', 'ig_m_2');
    (pressed.message as Record<string, unknown>).quick_reply = { payload: messenger.graph.sentTo(IGSID)[0]!.message.quick_replies[0].payload };
    expect((await messenger.post(batch([pressed], { object: 'instagram' }))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(IGSID)).toEqual(['Hi Layla! What is this about?', 'Topic: stock. Tell us more?']);
    expect(messenger.graph.profileLookups).toEqual([IGSID]);

    // Instagram's read receipt names the last message read: it and those before it are read.
    const [first, second] = messenger.graph.sent;
    const seen = { sender: { id: IGSID }, recipient: { id: IG_ACCOUNT }, timestamp: 1763950530000, read: { mid: second!.id } };
    expect((await messenger.post(batch([seen], { object: 'instagram' }))).status).toBe(200);
    expect((await messenger.app.store.messageByChannelId('instagram', first!.id))?.delivery).toBe('read');
    expect((await messenger.app.store.messageByChannelId('instagram', second!.id))?.delivery).toBe('read');
  });

  it('tells an Arabic-speaking customer who taps a quick reply of an earlier, closed conversation so, in Arabic, and asks the new question again', async () => {
    const messenger = await server();
    const said = async (count: number) => {
      await eventually(() => messenger.graph.saidTo(IGSID).length === count);
      await settled(messenger);
      return messenger.graph.saidTo(IGSID);
    };
    const tap = (index: number, title: string, mid: string) => {
      const event = igEvent(title, mid);
      const reply = messenger.graph.sentTo(IGSID)[index]!.message.quick_replies.find((offered: { title: string }) => offered.title === title);
      (event.message as Record<string, unknown>).quick_reply = { payload: reply.payload };
      return messenger.post(batch([event], { object: 'instagram' }));
    };
    expect((await messenger.post(batch([igEvent('مرحبا، عندي سؤال', 'ig_e_1')], { object: 'instagram' }))).status).toBe(200);
    await said(1);
    expect((await tap(0, 'Stock', 'ig_e_2')).status).toBe(200);
    await said(2);
    expect((await messenger.post(batch([igEvent('لا شيء آخر', 'ig_e_3')], { object: 'instagram' }))).status).toBe(200);
    expect((await said(3)).at(-1)).toBe('Noted.');
    // A new conversation, which asks what it is about again.
    expect((await messenger.post(batch([igEvent('مرحبا مجددا', 'ig_e_4')], { object: 'instagram' }))).status).toBe(200);
    const asked = (await said(4))[3]!;
    expect(asked).toMatch(/What is this about\?$/);
    // The first conversation's "My order": before, it answered the new question ("Topic: order. Tell us more?").
    expect((await tap(0, 'My order', 'ig_e_5')).status).toBe(200);
    expect((await said(6)).slice(4)).toEqual(['هذا الزر من محادثة سابقة.', asked]);
  });

  it('ignores the echo of its own message by its mid, and a person answering from the Instagram app takes the conversation over', async () => {
    const messenger = await server();
    expect((await messenger.post(fixture('instagram-text'))).status).toBe(200);
    await settled(messenger);
    const [question] = messenger.graph.sent;
    const ownEcho = { sender: { id: IG_ACCOUNT }, recipient: { id: IGSID }, timestamp: 1763950510000, message: { mid: question!.id, text: 'Hi there! What is this about?', is_echo: true } };
    expect((await messenger.post(batch([ownEcho], { object: 'instagram' }))).status).toBe(200);
    expect(await messenger.app.store.openConversations()).toMatchObject([{ stage: 'bot' }]);

    expect((await messenger.post(fixture('instagram-echo'))).status).toBe(200);
    expect((await messenger.post(batch([igEvent('Great, I will order it 🛍️', 'ig_m_3')], { object: 'instagram' }))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(IGSID)).toEqual(['Hi there! What is this about?']);
    const [conversation] = await messenger.app.store.openConversations();
    expect(conversation).toMatchObject({ stage: 'assigned', takenOver: { channel: 'instagram' } });
    const transcript = await messenger.app.store.messagesOfConversation(conversation!.id);
    expect(transcript.map((m) => [m.from, m.text])).toEqual([
      ['contact', 'مرحبا! Is the blue dress still in stock? 👗'],
      ['bot', 'Hi there! What is this about?'],
      ['agent', 'Hi! Yes, size M is in stock.'],
      ['contact', 'Great, I will order it 🛍️'],
    ]);
  });

  it('knows the echo of a message whose answer was lost as its own, by its text: no takeover, the reply sent again', async () => {
    const messenger = await server();
    messenger.graph.loseAnswers(1);
    expect((await messenger.post(fixture('instagram-text'))).status).toBe(200);
    await expect.poll(() => messenger.graph.sent.length).toBe(1);
    // Meta took it and echoes it, under a mid the bot never learned.
    const [lost] = messenger.graph.sent;
    const echo = { sender: { id: IG_ACCOUNT }, recipient: { id: IGSID }, timestamp: 1763950510000, message: { mid: lost!.id, text: 'Hi there! What is this about?', is_echo: true } };
    expect((await messenger.post(batch([echo], { object: 'instagram' }))).status).toBe(200);
    await settled(messenger);
    expect(await messenger.app.store.openConversations()).toMatchObject([{ stage: 'bot' }]);
    expect((await messenger.app.store.openConversations())[0]?.takenOver).toBeUndefined();
    // The outbox could not know it arrived: sent again (the documented duplicate of a lost answer).
    expect(messenger.graph.saidTo(IGSID)).toEqual(['Hi there! What is this about?', 'Hi there! What is this about?']);
  });

  it('holds an agent\'s replies to the same window: RESPONSE, then HUMAN_AGENT, then nothing after 7 days', async () => {
    const time = clock();
    const team = 'teams:\n  - name: Shop\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Shop]\n';
    const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Shop }\n    queued: "Please wait."\n';
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team, now: time.now, config: { AUTO_CLOSE_AFTER: 30 * DAY } });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(fixture('instagram-text'))).status).toBe(200);
    time.advance(23 * HOUR);
    await lina.say('Yes, it is!');
    await settled(messenger);
    time.advance(2 * HOUR);
    await lina.say('Still there?');
    await settled(messenger);
    expect(messenger.graph.sentTo(IGSID).map((body) => [body.messaging_type, body.tag])).toEqual([['RESPONSE', undefined], ['RESPONSE', undefined], ['MESSAGE_TAG', 'HUMAN_AGENT']]);
    // (the first is the notice that Lina joined)
    time.advance(7 * DAY);
    await lina.say('Hello?');
    for (let waited = 0; waited < 3000; waited += 25) {
      if ((await lina.messages()).some((m) => m.text.includes('was not delivered'))) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await lina.messages()).map((m) => m.text)).toContain('#1: your message to the customer was not delivered ("Hello?"): the customer\'s app takes no message from here until they write again. Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.');
    expect(messenger.graph.sentTo(IGSID)).toHaveLength(3);
  });

  it('shows the agent the post a customer shares while waiting ("is this one in stock?"): its caption and link, once, and the customer is not asked to write it instead', async () => {
    const { messenger, lina } = await linaHoldsShopper();
    // Since November 2025 Meta sends a shared post as `share` and `ig_post`, with the same caption and link.
    const link = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18139494541428835&signature=AbC';
    const payload = { ig_post_media_id: '18139494541428835', title: 'فستان أزرق 👗 Blue linen dress, sizes S-L', url: link };
    const shared = { sender: { id: IGSID }, recipient: { id: IG_ACCOUNT }, timestamp: 1763950530000, message: { mid: 'ig_m_post', attachments: [{ type: 'share', payload }, { type: 'ig_post', payload }] } };
    expect(await messenger.post(batch([shared], { object: 'instagram' }))).toEqual({ status: 200, body: { ok: true } });
    await settled(messenger);
    const relayed = async () => (await lina.messages()).map((m) => m.text).filter((text) => text.includes('lookaside'));
    await expect.poll(relayed, { timeout: 3000 }).toHaveLength(1);
    expect((await relayed())[0]).toContain(`فستان أزرق 👗 Blue linen dress, sizes S-L: ${link}`);
    expect(messenger.graph.saidTo(IGSID).filter((said) => said.includes('can\'t be shown'))).toEqual([]);
  });

  it('shows the agent the story a waiting customer replied to, and a story mention as one, with its link (noting it expires); the customer is not told it cannot be shown', async () => {
    const { messenger, lina } = await linaHoldsShopper();
    // As Meta documents them: a reply names the story (`reply_to.story`), a mention comes as a `story_mention` attachment.
    const storyUrl = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17999111222333444&signature=StOrY';
    const reply = { sender: { id: IGSID }, recipient: { id: IG_ACCOUNT }, timestamp: 1763950530000, message: { mid: 'ig_m_story_reply', text: 'Is this still on sale?', reply_to: { story: { url: storyUrl, id: '17999111222333444' } } } };
    const mentionUrl = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18000555666777888&signature=MeNtIoN';
    const mention = { sender: { id: IGSID }, recipient: { id: IG_ACCOUNT }, timestamp: 1763950540000, message: { mid: 'ig_m_story_mention', attachments: [{ type: 'story_mention', payload: { url: mentionUrl } }] } };
    expect(await messenger.post(batch([reply, mention], { object: 'instagram' }))).toEqual({ status: 200, body: { ok: true } });
    await settled(messenger);
    const relayed = async () => (await lina.messages()).map((m) => m.text).filter((text) => text.includes('ig_messaging_cdn'));
    await expect.poll(relayed, { timeout: 5000 }).toHaveLength(2);
    const [replied, mentioned] = await relayed();
    expect(replied).toContain(`replied to your story: ${storyUrl} (the link works until the story expires`);
    expect(replied).toContain('Is this still on sale?');
    expect(mentioned).toContain(`mentioned you in their story: ${mentionUrl} (the link works until the story expires`);
    expect(mentioned).not.toContain('cannot be shown');
    expect(messenger.graph.saidTo(IGSID).filter((said) => said.includes('can\'t be shown'))).toEqual([]);
  });

  it('names the story in Arabic for an agent with language: ar, the link kept whole', async () => {
    const { messenger, lina } = await linaHoldsShopper('ar');
    const storyUrl = 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17999111222333444&signature=StOrY';
    const reply = { sender: { id: IGSID }, recipient: { id: IG_ACCOUNT }, timestamp: 1763950530000, message: { mid: 'ig_m_story_reply_ar', text: 'بكم هذا؟', reply_to: { story: { url: storyUrl, id: '17999111222333444' } } } };
    expect(await messenger.post(batch([reply], { object: 'instagram' }))).toEqual({ status: 200, body: { ok: true } });
    await settled(messenger);
    const relayed = async () => (await lina.messages()).map((m) => m.text).filter((text) => text.includes('ig_messaging_cdn'));
    await expect.poll(relayed, { timeout: 5000 }).toHaveLength(1);
    const [said] = await relayed();
    expect(said).toContain(`[ردّ على قصتك: \u2068${storyUrl}\u2069 (يعمل الرابط حتى تنتهي القصة، خلال 24 ساعة من نشرها)]`);
    expect(said).toContain('بكم هذا؟');
    expect(said).not.toContain('replied to your story');
  });

  it('acknowledges and ignores Instagram webhooks without INSTAGRAM=1', async () => {
    const { log, lines } = recordingLog();
    const messenger = await startMessenger({ flows: { 'inbound.yaml': topicFlow }, log });
    running.push(messenger);
    expect(await messenger.post(fixture('instagram-text'))).toEqual({ status: 200, body: { ok: true } });
    expect(await messenger.app.store.contacts()).toEqual([]);
    expect(lines.some((line) => String(line.msg).startsWith('Instagram webhook item ignored: the Instagram channel is off'))).toBe(true);
  });
});

describe('what Instagram takes', () => {
  async function instagram() {
    const graph = await FakeGraphApi.start(TOKEN);
    running.push({ stop: () => graph.close() });
    const channels = createMessengerChannels({ pageToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, graphRoot: graph.url, version: 'v21.0', log: quietLog, instagram: true });
    const channel = channels.find((each) => each.name === 'instagram') as Channel;
    running.push({ stop: () => channel.stop() });
    const host = hostFor(async () => {});
    host.lastInbound.set(IGSID, new Date().toISOString());
    await channel.start(host);
    return { graph, channel, host };
  }

  it('splits texts at 1,000 bytes of UTF-8', async () => {
    const { graph, channel } = await instagram();
    await channel.send(IGSID, { text: 'ب'.repeat(1200) });
    const parts = graph.saidTo(IGSID);
    expect(parts.join('')).toBe('ب'.repeat(1200));
    expect(parts.every((part) => Buffer.byteLength(part) <= 1000)).toBe(true);
    expect(parts).toHaveLength(3);
  });

  it('uploads a photo for Instagram, and names a document it cannot carry in a line', async () => {
    const { graph, channel, host } = await instagram();
    const jpeg = await host.media.put(Buffer.from('\xff\xd8\xff jpeg', 'latin1'), { mime: 'image/jpeg', name: 'dress.jpg' });
    const docx = await host.media.put(Buffer.from('PK docx'), { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', name: 'sizes.docx' });
    await channel.send(IGSID, { text: 'The dress', attachments: [{ kind: 'image', ref: jpeg.ref }, { kind: 'document', name: 'sizes.docx', ref: docx.ref }] });
    expect(graph.uploads).toHaveLength(1);
    expect(graph.uploads[0]!.fields).toEqual({ platform: 'instagram', message: JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: false } } }) });
    expect(graph.saidTo(IGSID)).toEqual(['The dress\n[a document (sizes.docx) that Instagram cannot carry]', '[image]']);
  });
});
