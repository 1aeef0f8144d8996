// Telling this channel's sends from what the phone's owner types, whenever WhatsApp Web reports them.
import { describe, expect, it } from 'vitest';
import { OwnSends } from '../../../src/channels/whatsapp-web/own-sends.ts';
import { typedOnPhone } from './fake-client.ts';

const CHAT = '15551234567@c.us';

describe('own sends', () => {
  it('knows a send reported while it runs, and after it resolved, by its id', () => {
    const own = new OwnSends();
    const mark = own.begin(CHAT, { kind: 'text', text: 'Hi Layla!' });
    const created = { ...typedOnPhone(CHAT, 'Hi Layla!'), id: 'true_15551234567@c.us_A' };
    expect(own.isOwn(created)).toBe(true);
    own.settle(mark, created.id);
    expect(own.isOwn(created)).toBe(true);

    own.settle(own.begin(CHAT, { kind: 'text', text: 'Second' }), 'true_15551234567@c.us_B');
    expect(own.isOwn({ ...typedOnPhone(CHAT, 'Second'), id: 'true_15551234567@c.us_B' })).toBe(true);
    own.clear();
  });

  it('takes the owner\'s words for theirs, even while a send to the same chat runs', () => {
    const own = new OwnSends();
    const mark = own.begin(CHAT, { kind: 'text', text: 'Which team?' });
    expect(own.isOwn(typedOnPhone(CHAT, 'Sam here'))).toBe(false);
    expect(own.isOwn(typedOnPhone('15559998888@c.us', 'Which team?'))).toBe(false);
    own.settle(mark, 'true_15551234567@c.us_C');
    expect(own.isOwn(typedOnPhone(CHAT, 'Which team?'))).toBe(false);
    own.clear();
  });

  it('knows a file it sends while it uploads, when WhatsApp Web reports it without its caption', () => {
    const own = new OwnSends();
    own.begin(CHAT, { kind: 'media', data: 'JVBERg==', mimetype: 'application/pdf', caption: 'Your invoice', asDocument: true });
    expect(own.isOwn(typedOnPhone(CHAT, '/9j/4AAQSkZJRgABAQ', { type: 'document', hasMedia: false }))).toBe(true);
    own.clear();
  });
});
