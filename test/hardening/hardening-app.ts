/** A small app for the hardening tests: echo, slow and never-settling handlers, recorded disconnects. */
import {
  CloseCode,
  ConnectedClient,
  Module,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Payload,
  Query,
  WebSocketController,
  WsException,
  injectable,
  type WsClient,
} from 'ws-controllers';

/** What the app saw, for assertions. */
@injectable()
export class Journal {
  readonly connects: string[] = [];
  readonly disconnects: Array<{ id: string; code: number }> = [];
  readonly finished: string[] = [];
  private waiters: Array<() => void> = [];

  /** Resolves once `n` disconnects were recorded. */
  disconnected(n = 1): Promise<void> {
    if (this.disconnects.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(() => this.disconnects.length >= n && resolve()));
  }

  record(id: string, code: number): void {
    this.disconnects.push({ id, code });
    for (const waiter of this.waiters) waiter();
  }
}

@WebSocketController('/h')
export class HardenedController {
  constructor(private readonly journal: Journal) {}

  @OnConnect()
  connect(@ConnectedClient() client: WsClient, @Query('token') token: string | undefined) {
    if (token === 'missing') throw new WsException('UNAUTHORIZED', 'A token is required', { status: 401 });
    if (token === 'hang') return new Promise(() => undefined);
    this.journal.connects.push(client.id);
    return undefined;
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload;
  }

  @OnMessage('slow')
  async slow(@Payload() ms: number) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.journal.finished.push(`slow:${ms}`);
    return { waited: ms };
  }

  @OnMessage('never')
  never() {
    return new Promise(() => undefined);
  }

  @OnMessage('sync-throw')
  syncThrow(): never {
    throw new Error('sync failure (secret)');
  }

  @OnMessage('async-reject')
  async asyncReject(): Promise<never> {
    await Promise.resolve();
    throw new Error('async failure (secret)');
  }

  @OnDisconnect()
  disconnect(@ConnectedClient() client: WsClient, @CloseCode() code: number) {
    this.journal.record(client.id, code);
  }
}

@Module({ controllers: [HardenedController], providers: [Journal] })
export class HardenedModule {}
