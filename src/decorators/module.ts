/**
 * @module decorators/module
 * `@Module({ controllers, providers, imports })`: groups controllers with the providers they need.
 */
import { writableClassMetadata } from '../metadata/reflection';
import type { ModuleMetadata } from '../metadata/types';

/** Declares a module: its controllers, providers and imported modules. */
export function Module(metadata: ModuleMetadata): ClassDecorator {
  return (target) => {
    writableClassMetadata(target).module = {
      controllers: [...(metadata.controllers ?? [])],
      providers: [...(metadata.providers ?? [])],
      imports: [...(metadata.imports ?? [])],
    };
  };
}
