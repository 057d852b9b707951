import { Module, WebSocketController } from 'ws-controllers';
import { collectModuleGraph } from '../../src/discovery/module-graph';

test('controllers and providers are collected from imported modules, each module once', () => {
  @WebSocketController('/a')
  class A {}
  @WebSocketController('/b')
  class B {}
  class Shared {}
  @Module({ controllers: [B], providers: [Shared] })
  class Leaf {}
  @Module({ controllers: [A], imports: [Leaf] })
  class Middle {}
  @Module({ imports: [Middle, Leaf] })
  class Root {}
  const graph = collectModuleGraph(Root);
  expect(graph.modules).toEqual([Root, Middle, Leaf]);
  expect(graph.controllers).toEqual([B, A]);
  expect(graph.providers).toEqual([Shared]);
});

test('importing a class that is not a module fails with the import trail', () => {
  class NotAModule {}
  @Module({ imports: [NotAModule] })
  class Root {}
  expect(() => collectModuleGraph(Root)).toThrow('Root -> NotAModule is not a @Module() class');
});
