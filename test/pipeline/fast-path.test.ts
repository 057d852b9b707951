import { container } from 'tsyringe';
import { OnMessage, UseGuards, WebSocketController, type ExecutionContext } from 'ws-controllers';
import type { HandlerDescriptor } from '../../src/dispatch/compiled-controller';
import type { Invoker } from '../../src/dispatch/invoker';
import { readClassMetadata } from '../../src/metadata/reflection';
import { RequestPipeline } from '../../src/pipeline/request-pipeline';

const silent = { info: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined } as never;

@WebSocketController('/plain')
class PlainController {
  @OnMessage('plain')
  plain(): string {
    return 'plain';
  }

  @OnMessage('guarded')
  @UseGuards((_ctx: ExecutionContext) => true)
  guarded(): string {
    return 'guarded';
  }
}

function descriptorOf(method: 'plain' | 'guarded'): HandlerDescriptor {
  const classMetadata = readClassMetadata(PlainController)!;
  const metadata = classMetadata.handlers[method]!;
  return { controller: PlainController, instance: new PlainController(), methodName: method, kind: 'message', event: method, metadata, classMetadata };
}

const invoke: Invoker = () => 'result';

test('a handler with no guards, middleware, interceptors, filters or limits keeps its invoker untouched', () => {
  const pipeline = new RequestPipeline(container.createChildContainer(), {}, silent);
  expect(pipeline.enhancer(descriptorOf('plain'), invoke)).toBe(invoke);
});

test('a handler with a guard gets a wrapped invoker, and its neighbour does not', () => {
  const pipeline = new RequestPipeline(container.createChildContainer(), {}, silent);
  expect(pipeline.enhancer(descriptorOf('guarded'), invoke)).not.toBe(invoke);
  expect(pipeline.enhancer(descriptorOf('plain'), invoke)).toBe(invoke);
});

test('global options wrap every handler', () => {
  const pipeline = new RequestPipeline(container.createChildContainer(), { middleware: [(_ctx, next) => next()] }, silent);
  expect(pipeline.enhancer(descriptorOf('plain'), invoke)).not.toBe(invoke);
});
