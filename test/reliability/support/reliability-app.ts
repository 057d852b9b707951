/** The app under test in the reliability suite: echo, DTO, faulty and slow handlers, rooms, a journal. */
import { IsInt, IsString, Length, Min } from 'class-validator';
import {
  CloseCode,
  ConnectedClient,
  Module,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Payload,
  Query,
  RoomService,
  WebSocketController,
  WsException,
  injectable,
  type WsClient,
} from 'ws-controllers';

export class ItemDto {
  @IsString() @Length(1, 40) name!: string;
  @IsInt() @Min(0) count!: number;
}

/** What the app saw. */
@injectable()
export class Journal {
  connects = 0;
  disconnects = 0;
  readonly codes = new Map<number, number>();
  private waiters: Array<() => boolean> = [];

  /** Resolves once `n` disconnects were recorded in total. */
  disconnected(n: number): Promise<void> {
    if (this.disconnects >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(() => (this.disconnects >= n ? (resolve(), true) : false)));
  }

  record(code: number): void {
    this.disconnects++;
    this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
    this.waiters = this.waiters.filter((w) => !w());
  }
}

@WebSocketController('/r', { clientRooms: true })
export class ReliabilityController {
  constructor(
    private readonly journal: Journal,
    private readonly rooms: RoomService,
  ) {}

  @OnConnect()
  connect(@ConnectedClient() client: WsClient, @Query('token') token: string | undefined, @Query('room') room: string | undefined) {
    if (token === undefined || token === '') throw new WsException('UNAUTHORIZED', 'A token is required', { status: 401 });
    this.journal.connects++;
    // `room=a,b` joins several rooms.
    if (room) return Promise.all(room.split(',').map((r) => client.join(r))).then(() => undefined);
    return undefined;
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload ?? null;
  }

  @OnMessage('item')
  item(@Payload() item: ItemDto) {
    return { name: item.name, count: item.count };
  }

  @OnMessage('async-echo')
  async asyncEcho(@Payload() payload: unknown) {
    await Promise.resolve();
    return payload ?? null;
  }

  @OnMessage('sync-throw')
  syncThrow(): never {
    throw new Error('sync failure');
  }

  @OnMessage('async-reject')
  async asyncReject(): Promise<never> {
    await Promise.resolve();
    throw new Error('async failure');
  }

  @OnMessage('never')
  never() {
    return new Promise(() => undefined);
  }

  @OnMessage('refuse')
  refuse(): never {
    throw new WsException('NOPE', 'refused on purpose');
  }

  @OnMessage('shout')
  async shout(@Payload() payload: { room: string; text: string }) {
    await this.rooms.to(payload.room).emit('shout', payload.text);
    return true;
  }

  @OnDisconnect()
  disconnect(@CloseCode() code: number) {
    this.journal.record(code);
  }
}

/** A controller whose disconnect hook fails, to prove it hurts nobody. */
@WebSocketController('/faulty-exit')
export class FaultyExitController {
  constructor(private readonly journal: Journal) {}

  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload ?? null;
  }

  @OnDisconnect()
  async disconnect(@CloseCode() code: number): Promise<never> {
    this.journal.record(code);
    await Promise.resolve();
    throw new Error('disconnect hook failed');
  }
}

/** A controller whose disconnect hook throws synchronously. */
@WebSocketController('/faulty-exit-sync')
export class FaultyExitSyncController {
  constructor(private readonly journal: Journal) {}

  @OnDisconnect()
  disconnect(@CloseCode() code: number): never {
    this.journal.record(code);
    throw new Error('disconnect hook failed synchronously');
  }
}

@Module({ controllers: [ReliabilityController, FaultyExitController, FaultyExitSyncController], providers: [Journal] })
export class ReliabilityModule {}
