// A TCP link to the test database that a test can cut and mend: what the store sees when PostgreSQL restarts or the
// network drops (connections reset, new ones refused), without touching the cluster other tests share.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Where DATABASE_URL's server listens: a Unix socket (`?host=/dir&port=5432`) or a TCP host and port. */
function upstreamOf(url: URL): { path: string } | { host: string; port: number } {
  const socketDir = url.searchParams.get('host');
  const port = Number(url.searchParams.get('port') ?? url.port ?? 5432) || 5432;
  if (socketDir?.startsWith('/')) return { path: `${socketDir}/.s.PGSQL.${port}` };
  return { host: url.hostname || '127.0.0.1', port: Number(url.port) || 5432 };
}

/**
 * What every link below shares: a TCP server on 127.0.0.1 that connects each client to the database's server, keeps
 * both sockets (an error on either is the test's cut, never a crash) and hands them to `wire`, which decides what
 * passes between them.
 */
abstract class Link {
  readonly server: Server;
  protected readonly sockets = new Set<Socket>();

  protected constructor(databaseUrl: string) {
    const upstream = upstreamOf(new URL(databaseUrl));
    this.server = createServer((client) => {
      const up = connect(upstream);
      for (const socket of [client, up]) {
        this.sockets.add(socket);
        socket.on('error', () => {});
        socket.on('close', () => this.sockets.delete(socket));
      }
      this.wire(client, up);
    });
  }

  /** Joins a client's socket to its own connection to the database. */
  protected abstract wire(client: Socket, up: Socket): void;

  protected async listen(): Promise<this> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return this;
  }

  /** A URL for `database` through the link. */
  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${(this.server.address() as AddressInfo).port}/${database}`;
  }

  /** Resets every connection through the link and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

export class DatabaseLink extends Link {
  #up = true;

  /** Listens on 127.0.0.1 in front of the server `databaseUrl` names. */
  static open(databaseUrl: string): Promise<DatabaseLink> {
    return new DatabaseLink(databaseUrl).listen();
  }

  protected wire(client: Socket, up: Socket): void {
    if (!this.#up) {
      client.destroy();
      up.destroy();
      return;
    }
    client.pipe(up).pipe(client);
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
  }

  /** Resets every connection and refuses new ones, as a database going away does. */
  cut(): void {
    this.#up = false;
    for (const socket of this.sockets) socket.destroy();
  }

  mend(): void {
    this.#up = true;
  }

  override async close(): Promise<void> {
    this.#up = false;
    await super.close();
  }
}

/**
 * A TCP link to the test database whose `cut()` resets the client's side only: the server's side stays open and
 * silent (a half-open connection, as after a cut the server did not see), so PostgreSQL keeps those sessions and
 * their locks until `reap()` (its keepalive giving up).
 */
export class HalfOpenLink extends Link {
  readonly pairs = new Set<{ client: Socket; up: Socket; dead: boolean }>();
  readonly zombies: Socket[] = [];

  static open(url: string): Promise<HalfOpenLink> {
    return new HalfOpenLink(url).listen();
  }

  protected wire(client: Socket, up: Socket): void {
    const pair = { client, up, dead: false };
    this.pairs.add(pair);
    client.on('data', (c: Buffer) => { if (!pair.dead) up.write(c); });
    up.on('data', (c: Buffer) => { if (!pair.dead) client.write(c); });
    client.on('close', () => { if (!pair.dead) up.destroy(); this.pairs.delete(pair); });
    up.on('close', () => client.destroy());
  }

  cut(): void {
    for (const pair of [...this.pairs]) {
      pair.dead = true;
      this.zombies.push(pair.up);
      pair.client.destroy();
    }
  }

  /** The server finally notices (its keepalive gave up). */
  reap(): void {
    for (const zombie of this.zombies.splice(0)) zombie.destroy();
  }
}

/**
 * A TCP link to the test database that, once `armed`, loses the answer to one statement: the statement reaches
 * PostgreSQL and runs, its answer never reaches the client, and the connection drops 0.3 s later (a network cut right
 * after the server acted). The statement is picked by what the client sends (`sent`) or by what the server answers
 * (`answer`, like a COMMIT's `COMMIT\0`), on connections whose start-up named `connection` (an application_name).
 *
 *     const cutter = await AnswerCutter.open(databaseUrl, { answer: 'COMMIT\0', connection: 'switchboard transactions' });
 *     cutter.armed = true; // the next COMMIT of a transaction connection is done, and its answer lost
 */
export class AnswerCutter extends Link {
  armed = false;
  /** Answers lost so far. */
  cuts = 0;

  private constructor(databaseUrl: string, private readonly match: { sent?: string; answer?: string; connection?: string }) {
    super(databaseUrl);
  }

  static open(databaseUrl: string, match: { sent?: string; answer?: string; connection?: string }): Promise<AnswerCutter> {
    return new AnswerCutter(databaseUrl, match).listen();
  }

  protected wire(client: Socket, up: Socket): void {
    const match = this.match;
    let named = match.connection === undefined;
    let dropping = false;
    const cut = (): void => {
      this.armed = false;
      this.cuts++;
      dropping = true;
      setTimeout(() => {
        client.destroy();
        up.destroy();
      }, 300);
    };
    client.on('data', (chunk: Buffer) => {
      if (match.connection !== undefined && chunk.includes(match.connection)) named = true;
      up.write(chunk);
      if (this.armed && named && match.sent !== undefined && chunk.includes(match.sent)) cut();
    });
    up.on('data', (chunk: Buffer) => {
      if (!dropping && this.armed && named && match.answer !== undefined && chunk.includes(match.answer)) cut();
      if (!dropping) client.write(chunk);
    });
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
  }
}

/**
 * A TCP link to the test database that a test can freeze: from then on nothing passes either way and no connection
 * is closed, as on a network that silently drops every packet (no RST, no FIN); new connections are accepted and
 * hang too.
 */
export class FrozenLink extends Link {
  frozen = false;

  static open(url: string): Promise<FrozenLink> {
    return new FrozenLink(url).listen();
  }

  protected wire(client: Socket, up: Socket): void {
    client.on('data', (chunk: Buffer) => { if (!this.frozen) up.write(chunk); });
    up.on('data', (chunk: Buffer) => { if (!this.frozen) client.write(chunk); });
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
  }
}

/**
 * A TCP link to the test database that holds what the client sends for `delayMs` before passing it on (in order):
 * each round trip of a process behind it takes that much longer, so its transactions stay open across moments a
 * test can aim at from a process on a direct link. `holdAfter(sql)`: the next statement containing `sql` goes through,
 * then nothing more of that connection until `release()` (its transaction stays open after that read).
 */
export class SlowLink extends Link {
  delayMs = 0;
  #hold: { sql: string; reached: () => void; released: Promise<void> } | undefined;

  static open(url: string): Promise<SlowLink> {
    return new SlowLink(url).listen();
  }

  protected wire(client: Socket, up: Socket): void {
    let last = 0;
    const held: Buffer[] = [];
    let holding = false;
    client.on('data', (chunk: Buffer) => {
      if (holding) return void held.push(chunk);
      if (this.#hold && chunk.includes(this.#hold.sql)) {
        const hold = this.#hold;
        this.#hold = undefined;
        holding = true;
        void hold.released.then(() => {
          holding = false;
          for (const each of held.splice(0)) up.write(each);
        });
        up.write(chunk);
        return void hold.reached();
      }
      const at = Math.max(Date.now() + this.delayMs, last);
      last = at;
      if (at <= Date.now()) return void up.write(chunk);
      setTimeout(() => up.write(chunk), at - Date.now());
    });
    up.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
  }

  holdAfter(sql: string): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const answer = { reached: new Promise<void>((resolve) => (reached = resolve)), release };
    this.#hold = { sql, reached, released };
    return answer;
  }
}
