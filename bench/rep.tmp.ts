import { LowdbStore } from '../src/store/lowdb.ts';
import { buildReport, buildSeries, reportCsv } from '../src/handover/reports.ts';
const store = new LowdbStore({ dir: '/tmp/probe-F82hoj/store' }); await store.open();

let t = performance.now();
const conversations = await store.conversations();
console.log('load', conversations.length, (performance.now() - t).toFixed(0));
const teams = [{ name: 'Billing' }, { name: 'Sales' }, { name: 'Tech' }] as any;
const agents = [{ id: 'a1', name: 'A' }, { id: 'a2', name: 'B' }] as any;
const now = new Date();
for (let i = 0; i < 3; i++) { const conversations2 = [...conversations];
  t = performance.now(); buildReport({ conversations: conversations2, agents, teams, now }); const a = performance.now() - t;
  t = performance.now(); buildSeries({ conversations: conversations2, teams, now }); const b = performance.now() - t;
  t = performance.now(); reportCsv({ conversations, teams, now }); const c = performance.now() - t;
  console.log('report', a.toFixed(0), 'series', b.toFixed(0), 'csv', c.toFixed(0));
}
