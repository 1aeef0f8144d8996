// The floor for a server that keeps what it is told in PostgreSQL before it says so (floor.ts), on the database
// DATABASE_URL names: one INSERT an update (a transaction of its own, committed as the database is configured to)
// before the webhook is answered, and one INSERT a reply sent with `synchronous_commit` off (as Switchboard's
// outbox bookkeeping). No locks, no reads, no flow: whatever Switchboard on PostgreSQL costs above this is its own
// work, not the database's round trips.
import pg from 'pg';
import { serveFloor } from './floor.ts';

const durable = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const lazy = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4, options: '-c synchronous_commit=off' });
await durable.query('DROP SCHEMA IF EXISTS bench_floor CASCADE');
await durable.query('CREATE SCHEMA bench_floor');
await durable.query('CREATE TABLE bench_floor.updates (update_id bigint PRIMARY KEY, chat bigint NOT NULL, step int NOT NULL, data jsonb NOT NULL)');
await durable.query('CREATE TABLE bench_floor.sent (id bigserial PRIMARY KEY, update_id bigint NOT NULL, reply int NOT NULL, message_id bigint)');

serveFloor({
  async keep(update, step) {
    await durable.query(
      'INSERT INTO bench_floor.updates (update_id, chat, step, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [update.update_id, update.message.chat.id, step, JSON.stringify(update)],
    );
  },
  async sent(update, reply, messageId) {
    await lazy.query('INSERT INTO bench_floor.sent (update_id, reply, message_id) VALUES ($1, $2, $3)', [update.update_id, reply, messageId ?? null]);
  },
  async close() {
    await durable.query('DROP SCHEMA IF EXISTS bench_floor CASCADE');
    await Promise.all([durable.end(), lazy.end()]);
  },
});
