import { IsObject, IsString } from 'class-validator';
import { bootstrap, Module, OnMessage, Payload, WebSocketController, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';

class SettingsDto {
  @IsString() name!: string;
  @IsObject() meta!: Record<string, unknown>;
}

// The merge a handler might write without thinking about prototypes.
function naiveMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const key in source) {
    const value = source[key];
    if (value !== null && typeof value === 'object') {
      const inner = (target[key] ?? {}) as Record<string, unknown>;
      target[key] = naiveMerge(inner, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
  return target;
}

@WebSocketController('/pp')
class PollutionController {
  @OnMessage('merge')
  merge(@Payload() payload: Record<string, unknown>) {
    naiveMerge({}, payload);
    return Object.keys(payload);
  }

  @OnMessage('settings')
  settings(@Payload() settings: SettingsDto) {
    naiveMerge({}, settings.meta);
    return Object.keys(settings.meta);
  }
}

@Module({ controllers: [PollutionController] })
class PollutionModule {}

let app: WsApp;
let socket: TestSocket;

beforeAll(async () => {
  app = await bootstrap(PollutionModule, testOptions);
  socket = await connect(urlOf(app.port, '/pp'));
});

afterAll(async () => {
  await socket.close();
  await app.close();
});

afterEach(() => {
  // Never needed when the test passes; keeps a failure from leaking into the next test.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

const escapedProto = '"\\u005f_proto__"';
const escapedConstructor = '"\\u0063onstructor"';

test.each([
  ['untyped payload, escaped __proto__', `{"event":"merge","id":1,"payload":{${escapedProto}:{"polluted":"yes"},"ok":1}}`, ['ok']],
  ['untyped payload, escaped constructor.prototype', `{"event":"merge","id":1,"payload":{${escapedConstructor}:{"prototype":{"polluted":"yes"}},"ok":1}}`, ['ok']],
  ['untyped payload, nested escaped __proto__', `{"event":"merge","id":1,"payload":{"a":{"b":[{${escapedProto}:{"polluted":"yes"}}]}}}`, ['a']],
  ['typed payload, escaped __proto__ in a free-form object', `{"event":"settings","id":1,"payload":{"name":"n","meta":{${escapedProto}:{"polluted":"yes"},"k":1}}}`, ['k']],
])('%s never reaches the handler nor Object.prototype', async (name, text, keys) => {
  const id = name.length * 1000 + keys.length; // distinct per case
  const reply = socket.waitFor((m) => m.id === id);
  socket.send(text.replace('"id":1', `"id":${id}`));
  expect((await reply).payload).toEqual(keys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
