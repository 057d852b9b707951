/**
 * @module observability/side-routes
 * Puts the metrics, health and admin endpoints behind the transport's one `SideRoutes` seam.
 */
import type {
  Handshake,
  SideChannel,
  SideRefusal,
  SideRequest,
  SideResponse,
  SideRoutes,
} from '../spi/transport';

/** One endpoint group (each answers only its own paths). */
export interface SideEndpoint {
  request(req: SideRequest): SideResponse | Promise<SideResponse> | undefined;
  upgrade?(handshake: Handshake): SideChannel | SideRefusal | undefined;
  close?(): void;
}

/** Tries each endpoint in order. */
export function combineEndpoints(endpoints: readonly SideEndpoint[]): SideRoutes {
  return {
    request(req) {
      for (const endpoint of endpoints) {
        const response = endpoint.request(req);
        if (response !== undefined) return response;
      }
      return undefined;
    },
    upgrade(handshake) {
      for (const endpoint of endpoints) {
        const side = endpoint.upgrade?.(handshake);
        if (side !== undefined) return side;
      }
      return undefined;
    },
    close() {
      for (const endpoint of endpoints) endpoint.close?.();
    },
  };
}
