import { Parser } from '@asyncapi/parser';
import { createAsyncApiDocument, type JsonSchema } from 'ws-controllers/asyncapi';
import { createAppModule, type AppStores } from '../../sample-app/src/app.module';
import { MAX_TEXT_LENGTH } from '../../sample-app/src/chat/chat.dto';

// The document reads metadata only: the stores are never constructed.
const doc = createAsyncApiDocument(createAppModule({} as AppStores), { title: 'Chat' });
const schemas = (doc.components as { schemas: Record<string, JsonSchema> }).schemas;
const messages = ((doc.channels as Record<string, JsonSchema>).chat as { messages: Record<string, { payload: JsonSchema }> }).messages;
const CHANNEL = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,23}$' };

test("the sample chat's document passes the official AsyncAPI parser", async () => {
  const { diagnostics } = await new Parser().parse(JSON.stringify(doc));
  expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
});

test("the sample chat's events each have an operation whose payload is their DTO", () => {
  const payloads = Object.fromEntries(
    ['join', 'leave', 'message', 'user-typing', 'direct'].map((event) => [event, (messages[event]!.payload.properties as JsonSchema).payload]),
  );
  expect(payloads).toEqual({
    join: { $ref: '#/components/schemas/ChannelDto' },
    leave: { $ref: '#/components/schemas/ChannelDto' },
    message: { $ref: '#/components/schemas/SendMessageDto' },
    'user-typing': { $ref: '#/components/schemas/TypingDto' },
    direct: { $ref: '#/components/schemas/DirectMessageDto' },
  });
});

test('ChannelDto and TypingDto: a patterned channel name and a boolean', () => {
  expect(schemas.ChannelDto).toEqual({ type: 'object', title: 'ChannelDto', properties: { channel: CHANNEL }, required: ['channel'], additionalProperties: false });
  expect(schemas.TypingDto).toMatchObject({ properties: { channel: CHANNEL, typing: { type: 'boolean' } }, required: ['channel', 'typing'] });
});

test('SendMessageDto and DirectMessageDto: non-empty text up to the maximum length, a bounded recipient id', () => {
  const text = { type: 'string', minLength: 1, maxLength: MAX_TEXT_LENGTH };
  expect(schemas.SendMessageDto).toMatchObject({ properties: { channel: CHANNEL, text }, required: ['channel', 'text'] });
  expect(schemas.DirectMessageDto).toMatchObject({ properties: { to: { type: 'string', minLength: 1, maxLength: 64 }, text }, required: ['to', 'text'] });
});
