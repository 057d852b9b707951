/**
 * @module bench/servers/raw-ws
 * The references: raw `ws` with a hand-written switch. Variants: `echo`; fan-out `fan-naive`
 * (JSON.stringify and ws.send per recipient), `fan-once` (stringify once, ws.send per recipient) and
 * `fan-framed` (one pre-built frame written to all). A `-batch` suffix (`echo-batch`, `fan-once-batch`,
 * `fan-framed-batch`) adds write batching: see `write-batch.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { announce, variant } from './control';
import { corkForTick } from './write-batch';

interface Message {
  event: string;
  payload?: unknown;
}

interface SenderInternals {
  sendFrame(list: (Buffer | string)[]): void;
}

type Framer = { frame(data: Buffer, options: object): (Buffer | string)[] };
const Sender = (WebSocket as unknown as { Sender: Framer }).Sender;

const fullMode = variant();
const batching = fullMode.endsWith('-batch');
const mode = batching ? fullMode.slice(0, -'-batch'.length) : fullMode;
if (!['echo', 'fan-naive', 'fan-once', 'fan-framed'].includes(mode)) throw new Error(`unknown variant ${fullMode}`);
// Without batching this is a no-op, so both servers run the very same send path.
const before = batching ? corkForTick : (): void => undefined;

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
    for (const ws of room) {
      before(ws);
      (ws as unknown as { _sender: SenderInternals })._sender.sendFrame(frame);
    }
  } else if (mode === 'fan-once') {
    // Stringify once; ws still converts and frames the text per recipient.
    const text = JSON.stringify({ event: 'tick', payload });
    for (const ws of room) {
      before(ws);
      ws.send(text);
    }
  } else {
    for (const ws of room) {
      before(ws);
      ws.send(JSON.stringify({ event: 'tick', payload }));
    }
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
        before(ws);
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
