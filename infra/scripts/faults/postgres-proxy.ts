import net from 'node:net';

/**
 * A TCP relay between the services and PostgreSQL. PostgreSQL itself is shared by the machine and
 * is never stopped; "PostgreSQL unavailable" is this relay cutting every open connection and
 * closing its listening socket, so that new connections are refused (ECONNREFUSED) exactly as
 * they would be by a server that is down, until it listens again on the same port.
 */
export class PostgresProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly clients = new Set<net.Socket>();
  private port = 0;
  private available = false;
  /** Connections cut by outages, for the report. */
  cutConnections = 0;

  constructor(private readonly upstream: { readonly host: string; readonly port: number }) {}

  /** Starts listening on an ephemeral port (the first time) and answers it. */
  async open(): Promise<number> {
    await this.listen(this.port);
    return this.port;
  }

  get listeningPort(): number {
    return this.port;
  }

  /** PostgreSQL goes away: every open connection is destroyed and new ones are refused. */
  async cut(): Promise<number> {
    this.available = false;
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const clientConnections = this.clients.size;
    for (const socket of [...this.sockets]) socket.destroy();
    this.sockets.clear();
    this.clients.clear();
    await closed;
    this.cutConnections += clientConnections;
    return clientConnections;
  }

  /** PostgreSQL is back: the relay listens again on the same port. */
  async restore(): Promise<void> {
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private async listen(port: number): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.relay(client));
    // A port released a moment ago can be briefly unavailable; try again for a few seconds.
    for (let attempt = 1; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (error) {
        if (attempt >= 50 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    this.available = true;
  }

  private relay(client: net.Socket): void {
    if (!this.available) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.upstream.port, this.upstream.host);
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
    }
    // Either side failing ends both: a half-open relay would hang the service's query.
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
