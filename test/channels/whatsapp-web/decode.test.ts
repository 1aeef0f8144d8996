// WhatsApp Web's chat ids as addresses, and the decoding of the messages the client reports.
import { describe, expect, it } from 'vitest';
import { addressOf, chatIdOf, chatKind } from '../../../src/channels/whatsapp-web/address.ts';
import { contactCard, decodeEdit, decodeMessage } from '../../../src/channels/whatsapp-web/decode.ts';
import { incoming, typedOnPhone } from './fake-client.ts';

const receivedAt = new Date('2026-03-01T10:00:00Z');

describe('WhatsApp Web addresses', () => {
  it('writes a phone chat as its digits and a lid chat as lid:<id>, and back', () => {
    expect(addressOf('15551234567@c.us')).toBe('15551234567');
    expect(addressOf('98765@lid')).toBe('lid:98765');
    expect(addressOf('120363000000000001@g.us')).toBeUndefined();
    expect(chatIdOf('15551234567')).toBe('15551234567@c.us');
    expect(chatIdOf('lid:98765')).toBe('98765@lid');
    expect(chatIdOf('+15551234567')).toBeUndefined();
    expect(chatIdOf('98765@lid')).toBeUndefined();
  });

  it('tells people\'s chats from groups, status updates, newsletters and broadcast lists', () => {
    expect(['15551234567@c.us', '98765@lid', '1203@g.us', 'status@broadcast', '1203@newsletter', '1700@broadcast', 'x@s.whatsapp.net'].map(chatKind))
      .toEqual(['person', 'person', 'group', 'status', 'newsletter', 'broadcast', 'other']);
  });
});

describe('decoding WhatsApp Web messages', () => {
  it('takes the serialized id as the dedup key, the profile name as the sender\'s, and the message time', () => {
    const message = incoming('15551234567@c.us', 'Hello', { notifyName: 'Layla', timestamp: 1_772_359_000 });
    expect(decodeMessage(message, { echo: false, receivedAt })).toEqual({
      kind: 'message',
      chatId: '15551234567@c.us',
      inbound: { channel: 'whatsapp-web', id: message.id, from: { id: '15551234567', name: 'Layla' }, text: 'Hello', at: new Date(1_772_359_000_000).toISOString() },
    });
  });

  it('reads the business\'s own message as an echo into the customer\'s chat', () => {
    const message = typedOnPhone('98765@lid', 'Sam here');
    expect(decodeMessage(message, { echo: true, receivedAt })).toMatchObject({ kind: 'message', chatId: '98765@lid', inbound: { echo: true, from: { id: 'lid:98765' }, text: 'Sam here' } });
  });

  it('ignores a group message even when its chat id looks like a person\'s, and what nobody wrote', () => {
    expect(decodeMessage(incoming('15551234567@c.us', 'hi', { author: '15559998888@c.us' }), { echo: false, receivedAt })).toMatchObject({ kind: 'ignored' });
    expect(decodeMessage(incoming('15551234567@c.us', '', { type: 'revoked' }), { echo: false, receivedAt })).toMatchObject({ kind: 'ignored' });
  });

  it('delivers a text of only spaces or invisible characters as blank, without a text (the question waiting is asked again)', () => {
    for (const body of ['   ', '\u200b', '\u2060\ufeff', '\ufe0f']) {
      const decoded = decodeMessage(incoming('15551234567@c.us', body), { echo: false, receivedAt });
      expect(decoded).toMatchObject({ kind: 'message', inbound: { blank: true } });
      expect(decoded.kind === 'message' && 'text' in decoded.inbound).toBe(false);
    }
  });

  it('describes a file before its download: kind, type, a safe name, the caption as the text too', () => {
    const voice = decodeMessage(incoming('15551234567@c.us', '', { type: 'ptt', hasMedia: true, media: { mimetype: 'audio/ogg; codecs=opus', size: 1200 } }), { echo: false, receivedAt });
    expect(voice).toMatchObject({ file: { size: 1200, attachment: { kind: 'audio', voice: true, mime: 'audio/ogg; codecs=opus' } } });
    const document = decodeMessage(incoming('15551234567@c.us', 'the contract', { type: 'document', hasMedia: true, media: { filename: 'C:\\docs\\contract.pdf' } }), { echo: false, receivedAt });
    expect(document).toMatchObject({ inbound: { text: 'the contract' }, file: { attachment: { kind: 'document', name: 'contract.pdf', caption: 'the contract', mime: 'application/octet-stream' } } });
  });

  it('reads a vCard\'s name and WhatsApp number, folded lines included', () => {
    expect(contactCard('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sam\r\n  Lee\r\nitem1.TEL;waid=15557654321:+1 555 765 4321\r\nEND:VCARD')).toEqual({ name: 'Sam Lee', phone: '+15557654321' });
    expect(contactCard('BEGIN:VCARD\nFN:Ann\nTEL;TYPE=CELL:+44 20 7946 0000\nEND:VCARD')).toEqual({ name: 'Ann', phone: '+44 20 7946 0000' });
  });
});

describe('WhatsApp Web edits', () => {
  const from = '15551234567@c.us';

  it('reads a change of a customer\'s text or caption as an edit of that message, named by the time of the edit', () => {
    const order = incoming(from, 'A-1234', { id: 'false_15551234567@c.us_E1', editedAt: Date.parse('2026-03-01T09:59:00Z') });
    expect(decodeEdit(order, { newBody: 'A-1234', prevBody: 'A-1243' }, { receivedAt })).toEqual({
      kind: 'message', chatId: from,
      inbound: { channel: 'whatsapp-web', id: 'edit:false_15551234567@c.us_E1:1772359140000', from: { id: '15551234567' }, text: 'A-1234', edit: { of: 'false_15551234567@c.us_E1' }, at: '2026-03-01T09:59:00.000Z' },
    });
    const photo = incoming(from, 'my receipt', { type: 'image', hasMedia: true });
    const caption = decodeEdit(photo, { newBody: 'my receipt, March', prevBody: 'my receipt' }, { receivedAt });
    expect(caption.kind === 'message' && caption.inbound).toMatchObject({ text: 'my receipt, March', edit: { of: photo.id }, at: receivedAt.toISOString() });
  });

  it('names an edit without its time by its text, so the same edit reported twice is one', () => {
    const order = incoming(from, 'A-1234');
    const once = decodeEdit(order, { newBody: 'A-1234', prevBody: 'A-1243' }, { receivedAt });
    const again = decodeEdit({ ...order }, { newBody: 'A-1234', prevBody: 'A-1243' }, { receivedAt: new Date() });
    const other = decodeEdit(order, { newBody: 'A-1235', prevBody: 'A-1234' }, { receivedAt });
    expect(once.kind === 'message' && again.kind === 'message' && once.inbound.id === again.inbound.id).toBe(true);
    expect(once.kind === 'message' && other.kind === 'message' && once.inbound.id !== other.inbound.id).toBe(true);
  });

  it('takes no message being filled in, no edit that empties or keeps the text, and nothing outside a customer\'s own 1:1 messages for one', () => {
    const text = incoming(from, 'Hello');
    const reasons = [
      decodeEdit(text, { newBody: 'Hello', prevBody: '' }, { receivedAt }),
      decodeEdit(text, { newBody: ' ', prevBody: 'Hello' }, { receivedAt }),
      decodeEdit(text, { newBody: 'Hello', prevBody: 'Hello' }, { receivedAt }),
      decodeEdit(typedOnPhone(from, 'fixed'), { newBody: 'fixed', prevBody: 'fixd' }, { receivedAt }),
      decodeEdit(incoming('120363000000000001@g.us', 'hi all', { author: from }), { newBody: 'hi all', prevBody: 'hi al' }, { receivedAt }),
      decodeEdit(incoming(from, 'Lunch?', { type: 'poll_creation' }), { newBody: 'Lunch?', prevBody: 'Lunch' }, { receivedAt }),
    ].map((decoded) => (decoded.kind === 'ignored' ? decoded.reason : 'taken'));
    expect(reasons).toEqual([
      'a message filled in (decrypted, or its caption loaded), not an edit',
      'an edit that leaves no text',
      'an edit that changes nothing',
      'an edit of a message the business sent',
      'a message in a group chat',
      'a change of a poll_creation message',
    ]);
  });
});
