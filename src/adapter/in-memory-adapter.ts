/**
 * @module adapter/in-memory-adapter
 * The default adapter. Alone it is a single node; several apps given one `InMemoryBus` form an
 * in-process cluster (useful in tests, and the reference the shared adapter suite runs against).
 */
import type { Adapter, AdapterHost, BroadcastPacket } from './adapter';
import { MemoryPresenceBackend } from './in-memory-presence';
import type { PresenceBackend, PresenceBackendOptions } from './presence-backend';

/** Connects in-memory adapters of several apps in one process. */
export class InMemoryBus {
  /** The nodes currently attached. */
  readonly hosts = new Set<AdapterHost>();
}

/** Single-process adapter; pass a shared `InMemoryBus` to join apps together. */
export class InMemoryAdapter implements Adapter {
  private host?: AdapterHost;
  private presenceBackend: PresenceBackend | undefined;

  constructor(
    /** The bus this adapter is on (apps on one bus share rooms, and with recovery their sessions). */
    readonly bus: InMemoryBus = new InMemoryBus(),
  ) {}

  async init(host: AdapterHost): Promise<void> {
    this.host = host;
    this.bus.hosts.add(host);
  }

  private *others(): Iterable<AdapterHost> {
    for (const host of this.bus.hosts) if (host !== this.host) yield host;
  }

  async clientConnected(): Promise<void> {}
  async clientDisconnected(): Promise<void> {}
  async joined(): Promise<void> {}
  async left(): Promise<void> {}

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
    if (this.host) this.bus.hosts.delete(this.host);
    await this.presenceBackend?.close();
  }
}
