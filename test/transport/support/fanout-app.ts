/**
 * A small app for the transport tests: an echo route and a room whose publish handler awaits the
 * broadcast (so a failing fan-out shows as an error reply, not as silence).
 */
import { ConnectedClient, Module, OnConnect, OnMessage, Payload, RoomService, WebSocketController, inject, type WsClient } from 'ws-controllers';

@WebSocketController('/echo')
export class EchoController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }
}

@WebSocketController('/room')
export class RoomController {
  constructor(@inject(RoomService) private readonly rooms: RoomService) {}

  @OnConnect()
  joinRoom(@ConnectedClient() client: WsClient): Promise<void> {
    return client.join('all');
  }

  @OnMessage('publish')
  async publish(@Payload() payload: unknown): Promise<string> {
    await this.rooms.to('all').emit('tick', payload);
    return 'sent';
  }
}

@Module({ controllers: [EchoController, RoomController] })
export class FanoutModule {}
