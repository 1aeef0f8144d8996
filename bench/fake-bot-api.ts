// A fake Telegram Bot API on 127.0.0.1 for the benchmark: answers every method with a plausible result and counts
// the sendMessage calls, so the benchmark can wait until every reply has left. Run by bench/telegram.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let sent = 0;
let nextId = 1;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const method = (req.url ?? '').split('/').pop() ?? '';
    let result: unknown = true;
    if (method === 'sendMessage') {
      sent++;
      let chatId: unknown = 0;
      let text: unknown = '';
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        ({ chat_id: chatId, text } = JSON.parse(body) as { chat_id: unknown; text: unknown });
      } catch {
        // A form-encoded call (none in this flow): answer anyway.
      }
      result = { message_id: nextId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: 'private' }, text };
    } else if (method === 'getMe') {
      result = { id: 123456, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false };
    }
    const answer = JSON.stringify({ ok: true, result });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('message', (message) => {
  if (message === 'count') process.send?.({ sent });
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
