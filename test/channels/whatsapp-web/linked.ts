// A Switchboard on WhatsApp Web alone, its fake client linked (the QR code scanned): the real server as a business
// runs it, for tests of what customers and agents read there.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSwitchboard, type Switchboard } from '../../../src/server/switchboard.ts';
import { dataDirWith, eventually, quietLog } from '../../helpers.ts';
import { FakeWhatsApp } from './fake-client.ts';

/**
 * Starts Switchboard with `flow` as its inbound flow (and `team` as team.yaml, when given) and links its WhatsApp Web
 * client; the caller stops the app.
 *
 *     const { app, whatsapp } = await linkedSwitchboard(flow);
 *     whatsapp.current.emit('message', incoming(LAYLA, 'hello'));
 */
export async function linkedSwitchboard(flow: string, team?: string): Promise<{ app: Switchboard; whatsapp: FakeWhatsApp }> {
  const whatsapp = new FakeWhatsApp();
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  if (team !== undefined) await writeFile(join(dir, 'team.yaml'), team);
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, WHATSAPP_WEB: '1' },
    log: quietLog, watch: false, sweepEveryMs: 0,
    whatsappWeb: { createClient: whatsapp.create, retryMs: 30, maxRetryMs: 120, readyTimeoutMs: 10_000, deliverRetryMs: 10, showQr: () => {}, root: false },
  });
  try {
    await eventually(() => whatsapp.clients[0]?.initialized === true);
    whatsapp.current.emit('qr', '2@first-qr');
    whatsapp.current.link();
    await eventually(() => whatsapp.current.initialized);
  } catch (error) {
    await app.stop();
    throw error;
  }
  return { app, whatsapp };
}
