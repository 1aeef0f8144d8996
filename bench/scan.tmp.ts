import { LowdbStore } from '../src/store/lowdb.ts';
const store = new LowdbStore({ dir: '/tmp/probe-F82hoj/store' }); await store.open();
for (const q of ['nobody-said-this', 'answer of the bot', 'history message 2 of conversation 77']) {
  const t = performance.now(); const ids = await store.conversationsSaying(q, { limit: 201 });
  console.log(q, ids.length, ids.slice(0, 3), (performance.now() - t).toFixed(0), 'ms');
}
await store.close();
