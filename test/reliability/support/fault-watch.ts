/**
 * Watches the real process for unhandled rejections and uncaught exceptions. Jest gives each test
 * file its own copy of `process`, whose listeners the real process never calls, so the listeners
 * are installed on the process of the main context (reached through vm.runInThisContext).
 */
import { runInThisContext } from 'node:vm';

/** What the watch saw, and how to stop it. */
export interface FaultWatch {
  readonly unhandled: unknown[];
  readonly uncaught: unknown[];
  stop(): void;
}

/** Starts watching. */
export function watchFaults(): FaultWatch {
  const real = runInThisContext('process') as NodeJS.Process;
  const unhandled: unknown[] = [];
  const uncaught: unknown[] = [];
  const onRejection = (reason: unknown): void => void unhandled.push(reason);
  const onException = (error: unknown): void => void uncaught.push(error);
  real.on('unhandledRejection', onRejection);
  real.on('uncaughtException', onException);
  return {
    unhandled,
    uncaught,
    stop: () => {
      real.off('unhandledRejection', onRejection);
      real.off('uncaughtException', onException);
    },
  };
}
