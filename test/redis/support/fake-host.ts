/** An `AdapterHost` without sockets, for driving an adapter directly through many client lifecycles. */
import { randomBytes } from 'node:crypto';
import type { AdapterHost, BroadcastPacket } from 'ws-controllers';

interface FakeClient {
  path: string;
  rooms: Set<string>;
  received: Array<string | Uint8Array>;
}

/** Local state of one fake node. */
export class FakeHost implements AdapterHost {
  readonly nodeId = randomBytes(8).toString('hex');
  readonly clients = new Map<string, FakeClient>();
  readonly broadcasts: BroadcastPacket[] = [];

  /** Adds a local client. */
  add(id: string, path = '/fake'): FakeClient {
    const client: FakeClient = { path, rooms: new Set(), received: [] };
    this.clients.set(id, client);
    return client;
  }

  deliverLocal(packet: BroadcastPacket): number {
    this.broadcasts.push(packet);
    return 0;
  }

  sendLocal(clientId: string, data: string | Uint8Array): boolean {
    const client = this.clients.get(clientId);
    if (!client) return false;
    client.received.push(data);
    return true;
  }

  disconnectLocal(clientId: string): boolean {
    return this.clients.delete(clientId);
  }

  async joinLocal(clientId: string, room: string): Promise<boolean> {
    const client = this.clients.get(clientId);
    client?.rooms.add(room);
    return client !== undefined;
  }

  async leaveLocal(clientId: string, room: string): Promise<boolean> {
    const client = this.clients.get(clientId);
    client?.rooms.delete(room);
    return client !== undefined;
  }

  localIds(path?: string): string[] {
    return [...this.clients].filter(([, c]) => path === undefined || c.path === path).map(([id]) => id);
  }

  localMembers(room: string): string[] {
    return [...this.clients].filter(([, c]) => c.rooms.has(room)).map(([id]) => id);
  }

  localRoomsOf(clientId: string): string[] | undefined {
    const client = this.clients.get(clientId);
    return client ? [...client.rooms] : undefined;
  }
}
