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

export class DatabaseLink {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #up = true;

  private constructor(upstream: ReturnType<typeof upstreamOf>) {
    this.#server = createServer((client) => {
      if (!this.#up) return void client.destroy();
      const server = connect(upstream);
      for (const socket of [client, server]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(server).pipe(client);
      client.on('close', () => server.destroy());
      server.on('close', () => client.destroy());
    });
  }

  /** Listens on 127.0.0.1 in front of the server `databaseUrl` names. */
  static async open(databaseUrl: string): Promise<DatabaseLink> {
    const link = new DatabaseLink(upstreamOf(new URL(databaseUrl)));
    await new Promise<void>((done) => link.#server.listen(0, '127.0.0.1', done));
    return link;
  }

  /** A URL for `database` through the link. */
  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${(this.#server.address() as AddressInfo).port}/${database}`;
  }

  /** Resets every connection and refuses new ones, as a database going away does. */
  cut(): void {
    this.#up = false;
    for (const socket of this.#sockets) socket.destroy();
  }

  mend(): void {
    this.#up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }
}

/**
 * A TCP link to the test database whose `cut()` resets the client's side only: the server's side stays open and
 * silent (a half-open connection, as after a cut the server did not see), so PostgreSQL keeps those sessions and
 * their locks until `reap()` (its keepalive giving up).
 */
export class HalfOpenLink {
  readonly server: Server;
  readonly pairs = new Set<{ client: Socket; up: Socket; dead: boolean }>();
  readonly zombies: Socket[] = [];
  private constructor(upstream: ReturnType<typeof upstreamOf>) {
    this.server = createServer((client) => {
      const up = connect(upstream);
      const pair = { client, up, dead: false };
      this.pairs.add(pair);
      for (const socket of [client, up]) socket.on('error', () => {});
      client.on('data', (c: Buffer) => { if (!pair.dead) up.write(c); });
      up.on('data', (c: Buffer) => { if (!pair.dead) client.write(c); });
      client.on('close', () => { if (!pair.dead) up.destroy(); this.pairs.delete(pair); });
      up.on('close', () => client.destroy());
    });
  }
  static async open(url: string): Promise<HalfOpenLink> {
    const link = new HalfOpenLink(upstreamOf(new URL(url)));
    await new Promise<void>((done) => link.server.listen(0, '127.0.0.1', done));
    return link;
  }
  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${(this.server.address() as AddressInfo).port}/${database}`;
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
