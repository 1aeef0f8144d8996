// Reading activities: who writes (a stable address per channel), what they said or pressed, the files they name,
// reactions, and what is deliberately not a message; every activity gives a result, never a throw.
import { describe, expect, it } from 'vitest';
import { decodeActivity } from '../../../src/channels/botframework/decode.ts';
import { msteamsAddress } from '../../../src/channels/botframework/address.ts';
import { rebuild } from '../../../src/channels/botframework/reference.ts';
import { fixture } from './harness.ts';

const receivedAt = new Date('2026-11-24T03:30:00.000Z');
const decode = (activity: unknown) => decodeActivity(activity, receivedAt);

describe('a message', () => {
  it('from Teams without an Entra object id is addressed by the Teams user id, scoped by channel, with its reference', () => {
    expect(decode(fixture('teams-message'))).toEqual({
      kind: 'message',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      files: [],
      inbound: {
        channel: 'botframework',
        id: 'a:1convId:f5c1a2b0-0001',
        from: {
          id: 'msteams:29:1abcUserId', name: 'Jonas', language: 'en-US',
          reference: { serviceUrl: 'https://smba.trafficmanager.net/emea/', channelId: 'msteams', conversationId: 'a:1convId', conversationType: 'personal', botId: '28:botAppId', botName: 'Acme Bot', userId: '29:1abcUserId' },
        },
        text: 'I need help with my invoice',
        at: '2026-11-24T03:00:00.000Z',
      },
    });
  });

  it('from Teams is addressed by the Entra object id, which team.yaml\'s msteams: names, and keeps the tenant', () => {
    const decoded = decode(fixture('teams-agent-message'));
    if (decoded.kind !== 'message') throw new Error(decoded.reason);
    expect(decoded.inbound.from.id).toBe('msteams:0f8f4c7e-2b1d-4c59-9a5e-3f2d8e6b1a90');
    expect(msteamsAddress.normalize(' 0F8F4C7E-2B1D-4C59-9A5E-3F2D8E6B1A90 ')).toBe(decoded.inbound.from.id);
    expect(msteamsAddress.normalize('29:1agentOmarTeamsId')).toBe('msteams:29:1agentOmarTeamsId');
    expect(msteamsAddress.normalize('omar@contoso.com')).toBeUndefined();
    expect(decoded.inbound.from.reference).toMatchObject({ tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', aadObjectId: '0f8f4c7e-2b1d-4c59-9a5e-3f2d8e6b1a90' });
    expect(rebuild(decoded.inbound.from.reference)).toEqual({
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      channelId: 'msteams',
      conversation: { id: 'a:1omarPersonalChat', isGroup: false, conversationType: 'personal', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
      bot: { id: '28:9f3c1f5e-3a8b-4c2d-9e7f-1a2b3c4d5e6f', name: 'Acme Bot' },
      user: { id: '29:1agentOmarTeamsId', aadObjectId: '0f8f4c7e-2b1d-4c59-9a5e-3f2d8e6b1a90' },
    });
  });

  it('from Web Chat is addressed by its conversation under the channel\'s name, so a page can pass neither for a Teams agent nor for another visitor', () => {
    const decoded = decode(fixture('webchat-message'));
    if (decoded.kind !== 'message') throw new Error(decoded.reason);
    expect(decoded.inbound).toMatchObject({ id: 'Dz1FxXAbC1e-us:Dz1FxXAbC1e-us|0000003', from: { id: 'webchat:conversation:Dz1FxXAbC1e-us', name: 'Amira', language: 'ar-EG' }, text: 'مرحبا، I need help with my invoice' });
    expect(decoded.inbound.from.reference).toMatchObject({ conversationId: 'Dz1FxXAbC1e-us', userId: 'dl_5f0a9c2e' });
    const impostor = decode({ ...fixture('webchat-message'), from: { id: '29:1agentOmarTeamsId', aadObjectId: '0f8f4c7e-2b1d-4c59-9a5e-3f2d8e6b1a90' } });
    expect(impostor.kind === 'message' && impostor.inbound.from.id).toBe('webchat:conversation:Dz1FxXAbC1e-us');
    const elsewhere = decode({ ...fixture('webchat-message'), channelId: 'directline', conversation: { id: 'Kq7mZ0pLr2x-eu' } });
    expect(elsewhere.kind === 'message' && elsewhere.inbound.from.id).toBe('directline:conversation:Kq7mZ0pLr2x-eu');
  });

  it('from Web Chat or Direct Line is addressed by its dl_ user id where Enhanced authentication vouches for it, and only there', () => {
    const trusting = (activity: Record<string, unknown>, channels: string[]) => {
      const decoded = decodeActivity(activity, receivedAt, { trustedUserIds: new Set(channels) });
      return decoded.kind === 'message' ? decoded.inbound.from.id : decoded.reason;
    };
    expect(trusting(fixture('webchat-message'), ['webchat'])).toBe('webchat:dl_5f0a9c2e');
    expect(trusting(fixture('webchat-message'), ['directline'])).toBe('webchat:conversation:Dz1FxXAbC1e-us');
    expect(trusting({ ...fixture('webchat-message'), from: { id: 'customer-42' } }, ['webchat'])).toBe('webchat:conversation:Dz1FxXAbC1e-us');
    expect(trusting({ ...fixture('webchat-message'), channelId: 'directline' }, ['directline'])).toBe('directline:dl_5f0a9c2e');
    expect(trusting(fixture('teams-message'), ['webchat'])).toBe('msteams:29:1abcUserId');
  });

  it('from Teams that mentions the bot has the mention left out of its text, and another person\'s kept as @Name', () => {
    const bot = { type: 'mention', text: '<at>Acme Bot</at>', mentioned: { id: '28:botAppId', name: 'Acme Bot' } };
    const text = (activity: Record<string, unknown>) => {
      const decoded = decode({ ...fixture('teams-message'), ...activity });
      return decoded.kind === 'message' ? decoded.inbound.text : decoded.reason;
    };
    expect(text({ text: '<at>Acme Bot</at> I was charged twice', entities: [bot] })).toBe('I was charged twice');
    // Without the entity (an older client), the bot is still known by its name.
    expect(text({ text: '<at>Acme Bot</at> /close 3 refunded' })).toBe('/close 3 refunded');
    expect(text({ text: 'Thanks <at>Acme Bot</at>, <at>Lina Haddad</at> said I would be refunded', entities: [bot, { type: 'mention', text: '<at>Lina Haddad</at>', mentioned: { id: '29:1lina' } }] }))
      .toBe('Thanks, @Lina Haddad said I would be refunded');
    // Only Teams writes mentions so: elsewhere the text is what the person typed.
    const typed = decode({ ...fixture('webchat-message'), text: '<at>Acme Bot</at> hi' });
    expect(typed.kind === 'message' && typed.inbound.text).toBe('<at>Acme Bot</at> hi');
    expect(decode({ ...fixture('teams-message'), text: '<at>Acme Bot</at>', entities: [bot] })).toEqual({ kind: 'ignored', reason: 'message without text, attachment or value' });
  });

  it('with a pressed button\'s value is the choice, beside the title it shows', () => {
    const decoded = decode(fixture('webchat-message-back'));
    expect(decoded.kind === 'message' && decoded.inbound).toMatchObject({ choice: 'billing', text: 'Billing' });
    const untitled = decode({ ...fixture('webchat-message-back'), text: undefined });
    expect(untitled.kind === 'message' && untitled.inbound.text).toBeUndefined();
  });

  it('names a Teams file by its download link and a Teams picture by the Bot Connector\'s URL, fetched with the token', () => {
    const file = decode(fixture('teams-file'));
    expect(file.kind === 'message' && file.files).toEqual([{
      url: 'https://contoso-my.sharepoint.com/personal/jonas_contoso_com/_layouts/15/download.aspx?UniqueId=5e1f&Translate=false&tempauth=v1.eyJ0eXAi',
      withToken: false,
      attachment: { kind: 'document', name: 'invoice-4521.pdf' },
    }]);
    const picture = decode(fixture('teams-image'));
    expect(picture.kind === 'message' && picture).toMatchObject({
      inbound: { text: 'the error I get' },
      files: [{ url: 'https://smba.trafficmanager.net/emea/v3/attachments/0-weu-d4-7a1b2c3d4e5f/views/original', withToken: true, attachment: { kind: 'image' } }],
    });
  });

  it('never offers the token to a file elsewhere than the Bot Connector', () => {
    const activity = { ...fixture('teams-image'), attachments: [{ contentType: 'image/png', contentUrl: 'https://attacker.example/smba.trafficmanager.net/emea/x.png', name: 'x.png' }] };
    const decoded = decode(activity);
    expect(decoded.kind === 'message' && decoded.files).toEqual([{ url: 'https://attacker.example/smba.trafficmanager.net/emea/x.png', withToken: false, attachment: { kind: 'image', mime: 'image/png', name: 'x.png' } }]);
  });

  it('with only a card, or an attachment without a URL, is delivered as a kind that cannot be read', () => {
    const card = { ...fixture('webchat-message'), text: undefined, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }] };
    expect(decode(card)).toMatchObject({ kind: 'message', inbound: { unsupported: 'a card' } });
    const bare = { ...fixture('webchat-message'), text: '', attachments: [{ contentType: 'application/x-thing' }] };
    expect(decode(bare)).toMatchObject({ kind: 'message', inbound: { unsupported: 'an attachment of type application/x-thing' } });
  });

  it('stamped in the future or not at all is dated when it arrived', () => {
    expect(decode({ ...fixture('teams-message'), timestamp: '2031-01-01T00:00:00Z' })).toMatchObject({ inbound: { at: receivedAt.toISOString() } });
    expect(decode({ ...fixture('teams-message'), timestamp: undefined })).toMatchObject({ inbound: { at: receivedAt.toISOString() } });
  });
});

describe('a reaction', () => {
  it('names the message it reacts to as the bot\'s sent ids do, and its emoji', () => {
    expect(decode(fixture('teams-reaction'))).toMatchObject({
      kind: 'message',
      inbound: { id: 'a:1convId:f:8d1e7b5a-0b4c-4e4f-a1c2-3d4e5f607182', from: { id: 'msteams:6b1e2a3c-4d5e-4f60-8a7b-9c0d1e2f3a4b' }, reaction: { emoji: '👍', to: 'a:1convId:1764000000999' } },
    });
    expect(decode({ ...fixture('teams-reaction'), reactionsAdded: undefined, reactionsRemoved: [{ type: 'like' }] })).toMatchObject({ kind: 'ignored' });
  });
});

describe('an edit', () => {
  it('in Teams names the edited message as its message activity did, and itself by when it was made', () => {
    const original = decode({ ...fixture('teams-message'), id: '1764000100000', conversation: fixture('teams-edit').conversation });
    if (original.kind !== 'message') throw new Error(original.reason);
    expect(original.inbound.id).toBe('a:1convId:1764000100000');
    expect(decode(fixture('teams-edit'))).toMatchObject({
      kind: 'message',
      files: [],
      inbound: {
        channel: 'botframework',
        id: 'edit:a:1convId:1764000100000:2026-11-24T03:02:10.4615413Z',
        from: { id: 'msteams:29:1abcUserId', name: 'Jonas' },
        text: 'My order is A-1234',
        edit: { of: original.inbound.id },
        at: '2026-11-24T03:02:10.461Z',
      },
    });
    // Edited again: another edit of the same message.
    const again = decode({ ...fixture('teams-edit'), timestamp: '2026-11-24T03:03:00.0000000Z', text: 'My order is A-1235' });
    expect(again).toMatchObject({ inbound: { id: 'edit:a:1convId:1764000100000:2026-11-24T03:03:00.0000000Z', edit: { of: 'a:1convId:1764000100000' } } });
    // Without a timestamp, what it says now tells edits apart: the same again is the same edit.
    const id = (text: string) => {
      const decoded = decode({ ...fixture('teams-edit'), timestamp: undefined, text });
      return decoded.kind === 'message' ? decoded.inbound.id : decoded.reason;
    };
    expect(id('My order is A-1234')).toBe(id('My order is A-1234'));
    expect(id('My order is A-1234')).not.toBe(id('My order is A-1235'));
    expect(id('My order is A-1234')).toMatch(/^edit:a:1convId:1764000100000:[0-9a-f]{16}$/);
  });

  it('that leaves no text, or in a group chat, is ignored', () => {
    expect(decode({ ...fixture('teams-edit'), text: ' ' })).toEqual({ kind: 'ignored', reason: 'an edit that leaves no text' });
    expect(decode({ ...fixture('teams-edit'), conversation: { id: '19:meeting_abc@thread.v2', conversationType: 'groupChat', isGroup: true } })).toMatchObject({ kind: 'ignored' });
  });
});

describe('what is not a message', () => {
  it('a conversationUpdate (the bot installed, a page opened) is ignored: nobody said anything', () => {
    expect(decode(fixture('conversation-update'))).toEqual({ kind: 'ignored', reason: 'conversationUpdate (2 members added): not a message' });
  });

  it('typing, events and invokes are ignored', () => {
    for (const type of ['typing', 'event', 'invoke', 'endOfConversation']) expect(decode({ ...fixture('teams-message'), type })).toEqual({ kind: 'ignored', reason: `activity of type ${type}` });
  });

  it('a Teams app removed from a person\'s Teams, or added back, says who; an update\'s own remove, or one in a team, is ignored', () => {
    const installation = (action: string | undefined, conversation: Record<string, unknown> = { id: 'a:1convId', conversationType: 'personal' }) =>
      decode({ ...fixture('teams-message'), type: 'installationUpdate', action, text: undefined, conversation });
    expect(installation('remove')).toEqual({ kind: 'removed', address: 'msteams:29:1abcUserId', removed: true, reason: 'installationUpdate (remove): the person removed the bot' });
    expect(installation('add')).toEqual({ kind: 'removed', address: 'msteams:29:1abcUserId', removed: false, reason: 'installationUpdate (add): the person added the bot back' });
    expect(installation('remove-upgrade')).toEqual({ kind: 'ignored', reason: 'installationUpdate (remove-upgrade): nobody removed or added the bot' });
    expect(installation(undefined)).toMatchObject({ kind: 'ignored' });
    expect(installation('remove', { id: '19:general@thread.tacv2', conversationType: 'channel' })).toMatchObject({ kind: 'ignored' });
  });

  it('a Teams message deleted or restored, and an update from Web Chat, are ignored: the transcript keeps the message as it was', () => {
    expect(decode(fixture('teams-delete'))).toEqual({ kind: 'ignored', reason: 'messageDelete (softDeleteMessage): a deleted message stays in the transcript as it was' });
    const restored = { ...fixture('teams-edit'), channelData: { ...fixture('teams-edit').channelData, eventType: 'undeleteMessage' } };
    expect(decode(restored)).toEqual({ kind: 'ignored', reason: 'messageUpdate (undeleteMessage) from msteams: not an edit of a message' });
    const webchat = { ...fixture('webchat-message'), type: 'messageUpdate', channelData: { eventType: 'editMessage' } };
    expect(decode(webchat)).toEqual({ kind: 'ignored', reason: 'messageUpdate (editMessage) from webchat: not an edit of a message' });
  });

  it('a message in a Teams group chat or channel is not read, only named for the chat to be told where to write: a customer is never served where others read', () => {
    const group = { ...fixture('teams-message'), conversation: { id: '19:meeting_abc@thread.v2', conversationType: 'groupChat', isGroup: true } };
    expect(decode(group)).toEqual({ kind: 'group', chat: '19:meeting_abc@thread.v2', language: 'en-US', reason: 'message in a groupChat conversation, not a personal one' });
    expect(decode({ ...fixture('teams-reaction'), conversation: group.conversation })).toMatchObject({ kind: 'ignored' });
  });

  it('an activity without an id, sender or service URL is refused with the reason', () => {
    expect(decode({ ...fixture('teams-message'), id: undefined })).toEqual({ kind: 'refused', reason: 'message without an id' });
    expect(decode({ ...fixture('teams-message'), from: undefined })).toMatchObject({ kind: 'refused', reason: expect.stringContaining('from') });
    expect(decode({ ...fixture('teams-message'), serviceUrl: 'not a url' })).toMatchObject({ kind: 'refused', reason: expect.stringContaining('serviceUrl') });
    expect(decode('hello')).toMatchObject({ kind: 'refused' });
  });
});
