// A WhatsApp Cloud conversation with a bit of everything an agent meets, built through the webhook and the agent
// console: Sheena's Arabic text, Lina's answer and Sheena's 👍 to it, Sheena's edit of her order number, a card
// number she sends and deletes, a photo, a poll sent from the WhatsApp Business app, and Lina's note.
import { ADMIN_TOKEN } from '../../server/admin/client.ts';
import { SHEENA, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

export const LINA_TOKEN = 'lina-token-0123456789abcdef';
const team = `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${LINA_TOKEN}\n    language: ar\n    teams: [Billing]\n`;
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n';

export const SAID = {
  typo: 'مرحبا، طلبي رقم A-1243',
  fixed: 'مرحبا، طلبي رقم A-1234',
  answer: 'Thanks, I am checking order A-1234',
  card: 'رقم بطاقتي 4111 1111',
  caption: 'صورة الإيصال',
  note: 'العميلة أرسلت رقم بطاقة ثم حذفته',
};

/** GETs `path` as Lina (`/agent/api…`) or as the admin (`/api…`) with the page in `language`. */
export async function read(cloud: CloudServer, path: string, language: string): Promise<any> {
  const token = path.startsWith('/agent/') ? LINA_TOKEN : ADMIN_TOKEN;
  const res = await fetch(`${cloud.app.url}${path}`, { headers: { authorization: `Bearer ${token}`, 'accept-language': language } });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function asLina(cloud: CloudServer, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${cloud.app.url}/agent/api${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${LINA_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

/** Starts the server and plays the conversation (#1, Lina's) through it. */
export async function mixedTranscript(): Promise<CloudServer> {
  const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team, config: { ADMIN_TOKEN } });
  await asLina(cloud, '/act', { action: { kind: 'status', status: 'online' } });
  const typo = text(SAID.typo);
  const post = async (message: Record<string, unknown>) => {
    const { status } = await cloud.post(messagesBody([message]));
    if (status !== 200) throw new Error(`webhook answered ${status}`);
  };
  await post(typo);
  await settled(cloud);
  await asLina(cloud, '/conversations/1/messages', { text: SAID.answer });
  await settled(cloud);
  const answered = (await cloud.app.store.messagesOfConversation(1)).find((message) => message.text === SAID.answer)?.channelMessageId;
  if (answered === undefined) throw new Error('Lina\'s answer was not sent');
  await post({ from: SHEENA, id: 'wamid.MIX-R', timestamp: '1763950400', type: 'reaction', reaction: { message_id: answered, emoji: '👍' } });
  await post({ from: SHEENA, id: 'wamid.MIX-E', timestamp: '1763950410', type: 'edit', edit: { original_message_id: typo.id, message: { type: 'text', text: { body: SAID.fixed } } } });
  await post({ ...text(SAID.card), id: 'wamid.MIX-C' });
  await post({ from: SHEENA, id: 'wamid.MIX-D', timestamp: '1763950420', type: 'revoke', revoke: { original_message_id: 'wamid.MIX-C' } });
  cloud.graph.addMedia('mix-photo', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'), { mime: 'image/jpeg' });
  await post({ from: SHEENA, id: 'wamid.MIX-P', timestamp: '1763950430', type: 'image', image: { id: 'mix-photo', mime_type: 'image/jpeg', caption: SAID.caption } });
  // A poll sent from the WhatsApp Business app on the same number: its echo.
  const echo = {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'smb_message_echoes', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
      message_echoes: [{ from: '15550783881', to: SHEENA, id: 'wamid.MIX-POLL', timestamp: '1763950440', type: 'poll', poll: { question: 'Card or voucher?' } }],
    } }] }],
  };
  const { status } = await cloud.post(echo);
  if (status !== 200) throw new Error(`webhook answered ${status}`);
  await asLina(cloud, '/act', { action: { kind: 'note', conversationId: 1, text: SAID.note } });
  await settled(cloud);
  return cloud;
}
