/**
 * @module di/app-container
 * One tsyringe container per app (a child of the root), with module providers registered as
 * singletons within that app, NestJS-style.
 */
import { container as rootContainer, injectable, instanceCachingFactory, Lifecycle, type DependencyContainer } from 'tsyringe';
import type { FactoryResolve, Provider, ProviderToken } from '../metadata/types';

type Class = new (...args: never[]) => unknown;
type TsyringeToken = Parameters<DependencyContainer['resolve']>[0];

/** Creates an app's own container. */
export function createAppContainer(): DependencyContainer {
  return rootContainer.createChildContainer();
}

function makeInjectable(type: Class): void {
  // Users may forget @injectable() on a provider; reading its constructor types here is harmless.
  injectable()(type as unknown as new (...args: unknown[]) => unknown);
}

/** Registers one provider in an app container (a singleton within the app). */
export function registerProvider(container: DependencyContainer, provider: Provider): void {
  if (typeof provider === 'function') {
    makeInjectable(provider);
    container.register(provider as TsyringeToken, { useClass: provider as never }, { lifecycle: Lifecycle.Singleton });
    return;
  }
  const token = provider.provide as TsyringeToken;
  if ('useValue' in provider) {
    container.register(token, { useValue: provider.useValue });
  } else if ('useClass' in provider) {
    makeInjectable(provider.useClass);
    container.register(token, { useClass: provider.useClass as never }, { lifecycle: Lifecycle.Singleton });
  } else if ('useFactory' in provider) {
    const factory = provider.useFactory;
    container.register(token, {
      useFactory: instanceCachingFactory((c) => factory(factoryResolve(c))),
    });
  } else {
    throw new Error(`Invalid provider for ${String(token)}: expected useValue, useClass or useFactory`);
  }
}

/**
 * The argument of a `useFactory`: a resolve function that is also the container (a proxy), so both
 * `(resolve) => resolve(Config)` and tsyringe's `(c) => c.resolve(Config)` work.
 */
function factoryResolve(c: DependencyContainer): FactoryResolve {
  const resolve = <T>(token: ProviderToken<T>): T => c.resolve(token as TsyringeToken) as T;
  return new Proxy(resolve, {
    get(_target, key) {
      const value: unknown = Reflect.get(c, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(c) : value;
    },
  }) as FactoryResolve;
}
