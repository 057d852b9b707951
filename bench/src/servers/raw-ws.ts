/**
 * @module bench/servers/raw-ws
 * The reference: raw `ws` with a hand-written switch. Variants: `echo`, `fan-naive`
 * (JSON.stringify and ws.send per recipient) and `fan-framed` (one pre-built frame written to all).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { announce, variant } from './control';

interface Message {
  event: string;
  payload?: unknown;
}

interface SenderInternals {
  sendFrame(list: (Buffer | string)[]): void;
}

type Framer = { frame(data: Buffer, options: object): (Buffer | string)[] };
const Sender = (WebSocket as unknown as { Sender: Framer }).Sender;

const mode = variant();
const server = createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
const room = new Set<WebSocket>();

function publish(payload: unknown): void {
  if (mode === 'fan-framed') {
    // What a raw `ws` user can best do: stringify once, frame once, write the same bytes to everyone.
    const frame = Sender.frame(Buffer.from(JSON.stringify({ event: 'tick', payload })), {
      fin: true,
      rsv1: false,
      opcode: 1,
      mask: false,
      readOnly: false,
    });
    for (const ws of room) (ws as unknown as { _sender: SenderInternals })._sender.sendFrame(frame);
  } else {
    for (const ws of room) ws.send(JSON.stringify({ event: 'tick', payload }));
  }
}

wss.on('connection', (ws, req) => {
  if (req.url?.includes('sub=1')) room.add(ws);
  ws.on('close', () => room.delete(ws));
  ws.on('message', (data: Buffer) => {
    let message: Message;
    try {
      message = JSON.parse(data.toString()) as Message;
    } catch {
      return;
    }
    switch (message.event) {
      case 'echo':
        ws.send(JSON.stringify({ event: 'echo', payload: message.payload }));
        break;
      case 'publish':
        publish(message.payload);
        break;
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  announce((server.address() as AddressInfo).port, () => new Promise<void>((resolve) => server.close(() => resolve())));
});
