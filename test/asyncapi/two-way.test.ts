/** The AsyncAPI document of server requests (@Asks) and streamed replies (async *, @Streams). */
import { Parser } from '@asyncapi/parser';
import { IsBoolean, IsString } from 'class-validator';
import { Asks, Module, OnMessage, Payload, Streams, WebSocketController } from 'ws-controllers';
import { createAsyncApiDocument, type JsonSchema } from 'ws-controllers/asyncapi';

class ConfirmDto {
  @IsString() text!: string;
}

class Verdict {
  @IsBoolean() ok!: boolean;
}

class LogLine {
  @IsString() line!: string;
}

class TailDto {
  @IsString() file!: string;
}

interface Observer {
  next(value: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

@WebSocketController('/ops')
@Asks('confirm', { payload: ConfirmDto, reply: Verdict, summary: 'Asks the user to confirm an action' })
@Asks('ping-me')
class OpsController {
  @OnMessage('tail')
  async *tail(@Payload() q: TailDto): AsyncGenerator<string> {
    yield q.file;
  }

  @OnMessage('lines')
  @Streams(LogLine)
  lines(): { subscribe(o: Observer): () => void } {
    return { subscribe: (o) => (o.complete(), () => undefined) };
  }

  @OnMessage('plain')
  plain(): string {
    return 'not a stream';
  }
}

@WebSocketController('/quiet')
class QuietController {
  @OnMessage('hello')
  hello(): string {
    return 'hi';
  }
}

@Module({ controllers: [OpsController, QuietController] })
class OpsModule {}

const doc = createAsyncApiDocument(OpsModule, { title: 'Ops' });
const channel = (doc.channels as Record<string, JsonSchema>).ops as { messages: Record<string, { payload: JsonSchema }> };
const operations = doc.operations as Record<string, { action: string; messages: Array<{ $ref: string }>; reply?: { messages: Array<{ $ref: string }> } }>;
const refs = (list: Array<{ $ref: string }> | undefined): string[] => (list ?? []).map((m) => m.$ref.split('/').pop() as string);

test('a document with server requests and streamed replies passes the official AsyncAPI parser', async () => {
  const { diagnostics } = await new Parser().parse(JSON.stringify(doc));
  expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
});

test('an async * handler is a stream without any declaration: items, end and error frames are its reply', () => {
  expect(refs(operations['ops.tail']?.reply?.messages)).toEqual(['tail.item', 'tail.end', 'error']);
  const item = channel.messages['tail.item']!.payload as { required: string[]; properties: Record<string, JsonSchema> };
  expect(item.required).toEqual(['event', 'id', 'stream']);
  expect(item.properties.stream).toEqual({ type: 'boolean', const: true });
  expect(item.properties.event).toEqual({ type: 'string', const: 'tail' });
  const end = channel.messages['tail.end']!.payload as { properties: Record<string, JsonSchema> };
  expect(end.properties.end).toEqual({ type: 'boolean', const: true });
  // The request itself is documented as for any handler.
  expect((channel.messages.tail!.payload as { properties: { payload: JsonSchema } }).properties.payload).toEqual({ $ref: '#/components/schemas/TailDto' });
});

test('@Streams(Item) marks a handler returning an observable and gives the schema of its items', () => {
  expect(refs(operations['ops.lines']?.reply?.messages)).toEqual(['lines.item', 'lines.end', 'error']);
  const item = channel.messages['lines.item']!.payload as { properties: { payload: JsonSchema } };
  expect(item.properties.payload).toEqual({ $ref: '#/components/schemas/LogLine' });
  // A plain handler keeps its plain reply.
  expect(refs(operations['ops.plain']?.reply?.messages)).toEqual(['plain.reply', 'error']);
});

test('a channel with streams documents the client cancel frame; one without does not', () => {
  expect(operations['ops.cancel']).toMatchObject({ action: 'receive', messages: [{ $ref: '#/channels/ops/messages/cancel' }] });
  expect(channel.messages.cancel!.payload).toMatchObject({ required: ['cancel'] });
  expect(operations['quiet.cancel']).toBeUndefined();
});

test('@Asks declares a server request: a send operation with the ack frame, answered by the ack answer or an error', () => {
  const confirm = operations['ops.ask.confirm']!;
  expect(confirm.action).toBe('send');
  expect(refs(confirm.messages)).toEqual(['ask.confirm']);
  expect(refs(confirm.reply?.messages)).toEqual(['ask.confirm.answer', 'answer-error']);
  const request = channel.messages['ask.confirm']!.payload as { required: string[]; properties: Record<string, JsonSchema> };
  expect(request.required).toEqual(['event', 'ack']);
  expect(request.properties.payload).toEqual({ $ref: '#/components/schemas/ConfirmDto' });
  expect(request.properties.ack).toMatchObject({ type: 'integer', minimum: 1 });
  const answer = channel.messages['ask.confirm.answer']!.payload as { properties: Record<string, JsonSchema> };
  expect(answer.properties.payload).toEqual({ $ref: '#/components/schemas/Verdict' });
  expect(answer.properties.event).toBeUndefined();
  expect(channel.messages['answer-error']!.payload).toMatchObject({ required: ['ack', 'error'] });
  expect(operations['ops.ask.ping-me']?.action).toBe('send');
  expect(Object.keys(operations).filter((k) => k.startsWith('quiet.ask'))).toEqual([]);
  expect((doc.components as { schemas: Record<string, JsonSchema> }).schemas.Verdict).toMatchObject({ properties: { ok: { type: 'boolean' } } });
});
