/**
 * A raw recovering client for reliability 17.2: keeps its session token and the latest offset per
 * log, reconnects by itself (with `?resume=&offsets=`) whenever its socket drops, and records every
 * numbered push it receives (the publisher's sequence numbers) for the exactly-once check.
 */
import WebSocket from 'ws';

interface Frame {
  event: string;
  payload?: unknown;
  id?: number;
  room?: string;
  offset?: string;
}

/** Offsets in the resume request's shape. */
interface Offsets {
  rooms: Record<string, string>;
  direct?: string;
  broadcast?: string;
}

/** One client. `base` is `ws://host:port/chat` (the proxy). */
export class ChaosClient {
  id: string | undefined;
  token: string | undefined;
  readonly offsets: Offsets = { rooms: {} };
  /** Sequence numbers of the room pushes received, in arrival order. */
  readonly roomSeqs: number[] = [];
  /** Sequence numbers of the direct pushes received, in arrival order, and their offsets. */
  readonly directSeqs: number[] = [];
  readonly directOffsets: string[] = [];
  /** How many sessions (connections) this client had when each direct push arrived. */
  readonly directSession: number[] = [];
  /** Session frames received. */
  sessions = 0;
  /** When each socket of this client closed (ms since the epoch). */
  readonly closes: number[] = [];
  /** When (ms since the epoch) each lost session was noticed. */
  readonly lostAt: number[] = [];
  /** Room pushes for another room than this client's (never expected). */
  readonly strays: string[] = [];
  /** Session frames: resumed ones, and fresh ones after the first (a lost session). */
  resumes = 0;
  lostSessions = 0;
  /** Session frames whose id differed from the first one. */
  idChanges = 0;
  /** Sockets that failed or closed before their session frame (refused resumes, cuts mid-handshake). */
  failedOpens = 0;
  /** Sockets that closed after their session frame (each must be followed by a resume). */
  openedCloses = 0;
  connected = false;
  private stopped = false;
  private socket: WebSocket | undefined;
  private nextRequest = 1;
  private readonly replies = new Map<number, (frame: Frame) => void>();
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly room: string,
    private readonly base: string,
  ) {}

  /** Opens the first session and joins the room. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const socket = this.open();
      socket.once('close', (code: number) =>
        reject(new Error(`first connection closed (${code}) before its session: ${this.lastError ?? ''}`)),
      );
      this.onSession = () => resolve();
    });
    const rooms = (await this.request('join', this.room)) as string[];
    if (!rooms.includes(this.room)) throw new Error(`join answered ${JSON.stringify(rooms)}`);
  }

  private onSession: (() => void) | undefined;
  /** The last socket error seen (for the failure message). */
  lastError: string | undefined;
  /** Socket errors seen, by message (refused resumes show here as "Unexpected server response: 409"). */
  readonly errors = new Map<string, number>();

  /** Stops reconnecting and closes (1000 ends the session on the server). */
  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.socket?.terminate();
  }

  private url(): string {
    if (this.token === undefined) return this.base;
    const offsets = encodeURIComponent(JSON.stringify(this.offsets));
    return `${this.base}?resume=${encodeURIComponent(this.token)}&offsets=${offsets}`;
  }

  private request(event: string, payload: unknown): Promise<unknown> {
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${event} got no reply`)), 10_000);
      this.replies.set(id, (frame) => {
        clearTimeout(timer);
        if (frame.event === 'error') reject(new Error(JSON.stringify(frame.payload)));
        else resolve(frame.payload);
      });
      this.socket?.send(JSON.stringify({ event, payload, id }));
    });
  }

  private open(): WebSocket {
    // A handshake that hangs is given up after 20 s, as an SDK would (then the next attempt goes);
    // 5 s was too short on the loaded 2-core box: resumes there take seconds, and each attempt given
    // up made the next one wait behind it.
    const socket = new WebSocket(this.url(), { handshakeTimeout: 20_000 });
    this.socket = socket;
    let opened = false;
    socket.on('error', (error) => {
      this.lastError = error.message;
      this.errors.set(error.message, (this.errors.get(error.message) ?? 0) + 1);
    });
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.event === 'session') {
        opened = true;
        this.session(frame.payload as { id: string; token: string; resumed: boolean });
        return;
      }
      if (frame.id !== undefined) {
        this.replies.get(frame.id)?.(frame);
        this.replies.delete(frame.id);
        return;
      }
      if (frame.offset === undefined) return;
      const seq = (frame.payload as { seq: number }).seq;
      if (frame.room !== undefined) {
        this.offsets.rooms[frame.room] = frame.offset;
        if (frame.room === this.room) this.roomSeqs.push(seq);
        else this.strays.push(frame.room);
      } else if (frame.offset.startsWith('d')) {
        this.offsets.direct = frame.offset;
        this.directSeqs.push(seq);
        this.directOffsets.push(frame.offset);
        this.directSession.push(this.sessions);
      } else if (frame.offset.startsWith('b')) {
        this.offsets.broadcast = frame.offset;
      }
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.closes.push(Date.now());
      this.connected = false;
      if (!opened) this.failedOpens++;
      else this.openedCloses++;
      if (this.stopped || this.id === undefined) return;
      // Reconnect soon, at a random moment (a crowd that lost its node does not come back in step).
      this.reconnectTimer = setTimeout(() => this.open(), 20 + Math.random() * 130);
    });
    return socket;
  }

  private session(session: { id: string; token: string; resumed: boolean }): void {
    this.sessions++;
    if (this.id === undefined) {
      this.id = session.id;
    } else {
      if (session.resumed) this.resumes++;
      else {
        this.lostSessions++;
        this.lostAt.push(Date.now());
      }
      if (session.id !== this.id) this.idChanges++;
    }
    this.token = session.token;
    this.connected = true;
    this.onSession?.();
    this.onSession = undefined;
  }
}
