/** A traced app for the tracing tests: controllers with guards, DTO validation and async handlers, and an in-memory exporter. */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { IsString, MaxLength } from 'class-validator';
import { injectable } from 'tsyringe';
import {
  ClientService,
  ConnectedClient,
  Module,
  OnConnect,
  OnMessage,
  Payload,
  RoomService,
  UseGuards,
  WebSocketController,
  WsException,
  type CanActivate,
  type ExecutionContext,
  type WsClient,
} from 'ws-controllers';

export class SayDto {
  @IsString()
  @MaxLength(20)
  text!: string;
}

export class AllowUnlessBlocked implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    return ctx.client.query.blocked === undefined;
  }
}

export class ConnectToken implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.client.query.token === 'expired') throw new WsException('UNAUTHORIZED', 'token expired', { status: 401 });
    return ctx.client.query.token !== 'none';
  }
}

@injectable()
@WebSocketController('/chat')
@UseGuards(ConnectToken)
export class ChatController {
  constructor(
    private readonly rooms: RoomService,
    private readonly clients: ClientService,
  ) {}

  @OnConnect()
  connect(@ConnectedClient() client: WsClient): Promise<void> {
    return client.join('lobby');
  }

  @OnMessage('say')
  @UseGuards(AllowUnlessBlocked)
  say(@Payload() body: SayDto): string {
    return `said ${body.text}`;
  }

  @OnMessage('slow')
  async slow(@Payload() ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return 'done';
  }

  @OnMessage('boom')
  boom(): never {
    throw new Error('kaput');
  }

  @OnMessage('shout')
  async shout(@Payload('text') text: string): Promise<string> {
    await this.rooms.to('lobby').emit('shouted', text);
    return 'ok';
  }

  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient): string {
    return client.id;
  }

  @OnMessage('tell')
  async tell(@Payload('to') to: string, @Payload('text') text: string): Promise<boolean> {
    return this.clients.send(to, 'told', text);
  }

  @OnMessage('plain')
  plain(): string {
    return 'plain';
  }
}

@Module({ controllers: [ChatController] })
export class ChatModule {}

/** A provider whose spans land in memory. */
export function memoryProvider(): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  return { provider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }), exporter };
}

/** The finished span named `name` (exactly one expected). */
export function spanNamed(exporter: InMemorySpanExporter, name: string): ReadableSpan {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one span '${name}', got ${found.length} among [${exporter.getFinishedSpans().map((s) => s.name).join(', ')}]`);
  }
  return found[0] as ReadableSpan;
}

/** Resolves once a span named `name` has ended (polls the event loop; not a timed assertion). */
export async function spanEnded(exporter: InMemorySpanExporter, name: string, timeoutMs = 3000): Promise<ReadableSpan> {
  const start = Date.now();
  for (;;) {
    const found = exporter.getFinishedSpans().find((s) => s.name === name);
    if (found) return found;
    if (Date.now() - start > timeoutMs) throw new Error(`no span '${name}' among [${exporter.getFinishedSpans().map((s) => s.name).join(', ')}]`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The parent span id of a span (SDK 2.x). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const CLIENT_SPAN_ID = '00f067aa0ba902b7';
export const TRACEPARENT = `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01`;
