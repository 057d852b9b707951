/** Two unrelated root modules: the command needs `--export` to choose. */
import { Module, OnMessage, WebSocketController } from '../../../src/index';

@WebSocketController('/a')
export class AController {
  @OnMessage('a')
  a(): number {
    return 1;
  }
}

@Module({ controllers: [AController] })
export class AModule {}

@Module({})
export class BModule {}
