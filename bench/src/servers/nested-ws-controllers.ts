/**
 * @module bench/servers/nested-ws-controllers
 * ws-controllers from `dist/` (or WSC_DIST) on the nested case: `@Payload(ChatMessageDto)`
 * (an author object, an array of items, validated with the framework's defaults), replied as is.
 */
import 'reflect-metadata';
// The framework's own copies, so the DTO metadata lands where the framework reads it.
import * as classTransformer from '../../../node_modules/class-transformer';
import * as classValidator from '../../../node_modules/class-validator';
import { chatDtos } from '../cases/nested-dto';
import { announce } from './control';

type Framework = typeof import('../../../dist/index');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the build under test is picked at run time
const { bootstrap, Module, OnMessage, Payload, WebSocketController } = require(process.env.WSC_DIST ?? '../../../dist/index') as Framework;

const { ChatMessageDto } = chatDtos(classValidator, classTransformer);
type ChatMessage = InstanceType<typeof ChatMessageDto>;

@WebSocketController('/echo')
class ChatController {
  @OnMessage('echo')
  echo(@Payload(ChatMessageDto) message: ChatMessage): ChatMessage {
    if (!(message instanceof ChatMessageDto)) throw new Error('not an instance');
    return message;
  }
}

@Module({ controllers: [ChatController] })
class BenchModule {}

void bootstrap(BenchModule, { port: 0, host: '127.0.0.1', logger: false }).then((app) => announce(app.port, () => app.close()));
