/**
 * @module dispatch/invoker
 * Turns a method and its resolvers into one call function, built once. Small arities get
 * straight-line calls so the message path allocates no argument array.
 */
import type { Invoker } from '../spi/extensions';
import type { ParamResolver } from './param-resolvers';
import { isThenable } from '../util/thenable';

export type { Invoker };


/**
 * Builds the invoker. `asyncArgs` is set when some resolver may return a promise (async validators):
 * then the arguments are awaited before the call.
 */
export function buildInvoker(
  instance: object,
  method: (...args: unknown[]) => unknown,
  resolvers: ParamResolver[],
  asyncArgs: boolean,
): Invoker {
  if (asyncArgs) {
    return (c, p, h) => {
      const args = resolvers.map((resolve) => resolve(c, p, h));
      return args.some(isThenable) ? Promise.all(args).then((values) => method.apply(instance, values)) : method.apply(instance, args);
    };
  }
  const [r0, r1, r2] = resolvers;
  switch (resolvers.length) {
    case 0:
      return () => method.call(instance);
    case 1:
      return (c, p, h) => method.call(instance, r0!(c, p, h));
    case 2:
      return (c, p, h) => method.call(instance, r0!(c, p, h), r1!(c, p, h));
    case 3:
      return (c, p, h) => method.call(instance, r0!(c, p, h), r1!(c, p, h), r2!(c, p, h));
    default:
      return (c, p, h) => {
        const args = new Array<unknown>(resolvers.length);
        for (let i = 0; i < resolvers.length; i++) args[i] = resolvers[i]!(c, p, h);
        return method.apply(instance, args);
      };
  }
}

export { isThenable };
