// What a WhatsApp Web customer reads about a sticker or a voice note they sent: one that reached the agent is not said
// to be lost, and one that could not be received is named by its kind, as the agent's line names it, in English or
// Arabic; the real server over the fake client, with Omar holding the conversation.
import { afterEach, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { incoming, type FakeWhatsApp } from './fake-client.ts';
import { linkedSwitchboard } from './linked.ts';

const LAYLA = '15551234567@c.us';
const OMAR = '15550009001@c.us';
const SAMI = '15551239876@c.us';
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+1 555 000 9001"\n    teams: [Billing]\n    max_open: 3\n';

const running: Switchboard[] = [];
afterEach(async () => {
  for (const app of running.splice(0).reverse()) await app.stop();
  await cleanupDirs();
});

async function linked(): Promise<{ app: Switchboard; whatsapp: FakeWhatsApp }> {
  const linked = await linkedSwitchboard(flow, team);
  running.push(linked.app);
  return linked;
}

/** A sticker or voice note from `chat`, whose bytes WhatsApp still serves (`bytes`) or no longer does. */
function fileFrom(chat: string, type: 'sticker' | 'ptt', whatsapp: FakeWhatsApp, bytes?: Buffer) {
  const mimetype = type === 'sticker' ? 'image/webp' : 'audio/ogg; codecs=opus';
  const message = incoming(chat, '', { type, hasMedia: true, media: { mimetype, size: bytes?.byteLength ?? 1200 } });
  if (bytes) whatsapp.files.set(message.id, { data: bytes.toString('base64'), mimetype });
  return message;
}

describe('a WhatsApp Web customer who sends a sticker or a voice note', () => {
  it('is told by its kind when it could not be received, in their language, and nothing when the agent got it', async () => {
    const { whatsapp } = await linked();
    const client = whatsapp.current;
    client.emit('message', incoming(OMAR, '/online'));
    await eventually(() => whatsapp.textsTo(OMAR).length > 0);
    client.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('Layla wrote')));

    // A sticker that came through reaches Omar as a sticker, and Layla is told nothing about it.
    const webp = Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1');
    client.emit('message', fileFrom(LAYLA, 'sticker', whatsapp, webp));
    await eventually(() => whatsapp.sent.some((sent) => sent.chatId === OMAR && sent.content.kind === 'media' && sent.content.asSticker === true));
    // A voice note WhatsApp no longer serves: Omar reads it was a voice message, and so does Layla.
    client.emit('message', fileFrom(LAYLA, 'ptt', whatsapp));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('[a voice message was not received: the file is no longer available on WhatsApp]')));
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2);
    client.emit('message', fileFrom(LAYLA, 'sticker', whatsapp));
    await eventually(() => whatsapp.textsTo(LAYLA).length === 3);
    expect(whatsapp.textsTo(LAYLA).slice(1)).toEqual([
      'Sorry, your voice message could not be received (the file is no longer available on WhatsApp). Could you send it again?',
      'Sorry, your sticker could not be received (the file is no longer available on WhatsApp). Could you send it again?',
    ]);

    // Sami writes in Arabic: told in Arabic.
    client.emit('message', incoming(SAMI, 'مرحبا، لم يصلني الطلب', { notifyName: 'Sami' }));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('Sami wrote')));
    const before = whatsapp.textsTo(SAMI).length;
    client.emit('message', fileFrom(SAMI, 'ptt', whatsapp));
    await eventually(() => whatsapp.textsTo(SAMI).length === before + 1);
    client.emit('message', fileFrom(SAMI, 'sticker', whatsapp));
    await eventually(() => whatsapp.textsTo(SAMI).length === before + 2);
    expect(whatsapp.textsTo(SAMI).slice(before)).toEqual([
      'عذرًا، تعذّر استلام رسالتك الصوتية. هل يمكنك إرسالها مرة أخرى؟',
      'عذرًا، تعذّر استلام الملصق الذي أرسلته. هل يمكنك إرساله مرة أخرى؟',
    ]);
  });
});
