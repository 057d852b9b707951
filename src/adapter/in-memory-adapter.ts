/**
 * @module adapter/in-memory-adapter
 * The default adapter. Alone it is a single node; several apps given one `InMemoryBus` form an
 * in-process cluster (useful in tests, and the reference the shared adapter suite runs against).
 */
import type { Adapter, AdapterHost, BroadcastPacket } from './adapter';
import { SETTLED } from '../util/thenable';
import { MemoryPresenceBackend } from './in-memory-presence';
import type { PresenceBackend, PresenceBackendOptions } from './presence-backend';
import type { LocalMemberAsker, MemberRequest, MemberSink, RemoteMemberAsker } from './member-requests';

/** Connects in-memory adapters of several apps in one process. */
export class InMemoryBus {
  /** The nodes currently attached. */
  readonly hosts = new Set<AdapterHost>();
  /** How each attached node asks its own members (cluster-wide room requests). */
  readonly askers = new Map<AdapterHost, LocalMemberAsker>();
}

/** Single-process adapter; pass a shared `InMemoryBus` to join apps together. */
export class InMemoryAdapter implements Adapter {
  private host?: AdapterHost;
  private presenceBackend: PresenceBackend | undefined;
  private local?: LocalMemberAsker;

  constructor(
    /** The bus this adapter is on (apps on one bus share rooms, and with recovery their sessions). */
    readonly bus: InMemoryBus = new InMemoryBus(),
  ) {}

  async init(host: AdapterHost): Promise<void> {
    this.host = host;
    this.bus.hosts.add(host);
    if (this.local !== undefined) this.bus.askers.set(host, this.local);
  }

  roomRequests(local: LocalMemberAsker): RemoteMemberAsker {
    this.local = local;
    return (request, sink) => this.askOthers(request, sink);
  }

  // Each other node asks its own members; their reports pass through until all are done or the timeout.
  private askOthers(request: MemberRequest, sink: Omit<MemberSink, 'done'>): Promise<void> {
    const askers: LocalMemberAsker[] = [];
    for (const host of this.others()) {
      const ask = this.bus.askers.get(host);
      if (ask !== undefined) askers.push(ask);
    }
    if (askers.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let open = true;
      let left = askers.length;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (): void => {
        if (!open) return;
        open = false;
        clearTimeout(timer);
        resolve();
      };
      for (const ask of askers) {
        let done = false;
        ask(request, {
          asked: (ids) => open && sink.asked(ids),
          answered: (reply) => open && sink.answered(reply),
          done: () => {
            if (done) return;
            done = true;
            if (--left === 0) finish();
          },
        });
      }
      // Armed after the members' own timers (same length), so theirs fire first.
      if (open) timer = setTimeout(finish, request.timeoutMs);
    });
  }

  private *others(): Iterable<AdapterHost> {
    for (const host of this.bus.hosts) if (host !== this.host) yield host;
  }

  // Nothing to tell the other nodes (they read this node's hub directly): done at once.
  clientConnected(): Promise<void> {
    return SETTLED;
  }
  clientDisconnected(): Promise<void> {
    return SETTLED;
  }
  joined(): Promise<void> {
    return SETTLED;
  }
  left(): Promise<void> {
    return SETTLED;
  }

  async publish(packet: BroadcastPacket): Promise<void> {
    for (const host of this.others()) host.deliverLocal(packet);
  }

  async sendRemote(clientId: string, data: string | Uint8Array): Promise<boolean> {
    for (const host of this.others()) if (host.sendLocal(clientId, data)) return true;
    return false;
  }

  async disconnectRemote(clientId: string, code?: number, reason?: string): Promise<boolean> {
    for (const host of this.others()) if (host.disconnectLocal(clientId, code, reason)) return true;
    return false;
  }

  async joinRemote(clientId: string, room: string): Promise<boolean> {
    for (const host of this.others()) if (await host.joinLocal(clientId, room)) return true;
    return false;
  }

  async leaveRemote(clientId: string, room: string): Promise<boolean> {
    for (const host of this.others()) if (await host.leaveLocal(clientId, room)) return true;
    return false;
  }

  async members(room: string): Promise<string[]> {
    return [...this.bus.hosts].flatMap((host) => host.localMembers(room));
  }

  async roomsOf(clientId: string): Promise<string[]> {
    for (const host of this.bus.hosts) {
      const rooms = host.localRoomsOf(clientId);
      if (rooms) return rooms;
    }
    return [];
  }

  async ids(path?: string): Promise<string[]> {
    return [...this.bus.hosts].flatMap((host) => host.localIds(path));
  }

  async count(path?: string): Promise<number> {
    return (await this.ids(path)).length;
  }

  /** Presence entries shared by every app on the bus (a change is heard by all of them). */
  async presence(options: PresenceBackendOptions): Promise<PresenceBackend> {
    this.presenceBackend ??= new MemoryPresenceBackend(this.bus, this.host?.nodeId ?? '', options);
    return this.presenceBackend;
  }

  async close(): Promise<void> {
    if (this.host) {
      this.bus.hosts.delete(this.host);
      this.bus.askers.delete(this.host);
    }
    await this.presenceBackend?.close();
  }
}
