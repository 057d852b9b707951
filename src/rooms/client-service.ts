/**
 * @module rooms/client-service
 * `ClientService`: send to, count, list and disconnect clients by id from anywhere.
 */
import { encodeMessage } from '../protocol/envelope';
import type { WsClient } from '../socket/ws-client';
import type { Hub } from './hub';

/** Options of `ClientService.broadcast`. */
export interface BroadcastOptions {
  /** Only clients on this controller path. */
  path?: string | undefined;
  /** Never these client ids. */
  except?: string | readonly string[] | undefined;
}

/** Clients by id (injectable singleton per app). */
export class ClientService {
  /** @internal */
  constructor(private readonly hub: Hub) {}

  /** Sends `{"event", "payload"}` to one client; false for an unknown or closed id. */
  send(clientId: string, event: string, payload?: unknown): Promise<boolean> {
    return this.hub.sendTo(clientId, encodeMessage(event, payload));
  }

  /** Sends a raw text or binary frame to one client; false for an unknown or closed id. */
  sendRaw(clientId: string, data: string | Uint8Array): Promise<boolean> {
    return this.hub.sendTo(clientId, data);
  }

  /** Sends to every client (optionally on one path, minus some ids). */
  broadcast(event: string, payload?: unknown, options: BroadcastOptions = {}): Promise<void> {
    const except = options.except === undefined ? undefined : typeof options.except === 'string' ? [options.except] : options.except;
    return this.hub.broadcast({ data: encodeMessage(event, payload), path: options.path, except });
  }

  /** Ids of connected clients (optionally on one path). */
  ids(path?: string): Promise<string[]> {
    return this.hub.adapter.ids(path);
  }

  /** Number of connected clients (optionally on one path). */
  count(path?: string): Promise<number> {
    return this.hub.adapter.count(path);
  }

  /** Closes a client's connection; false for an unknown id. */
  async disconnect(clientId: string, code = 1000, reason = ''): Promise<boolean> {
    if (this.hub.disconnectLocal(clientId, code, reason)) return true;
    return this.hub.adapter.disconnectRemote(clientId, code, reason);
  }

  /** The local `WsClient` with this id, if it is connected to this node. */
  get(clientId: string): WsClient | undefined {
    return this.hub.clients.get(clientId);
  }
}
