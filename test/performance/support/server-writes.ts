/**
 * Counts the writes a server hands the kernel: `_write`/`_writev` calls on the sockets accepted by
 * a server, per socket, while a piece of the test runs.
 */
import { Socket } from 'node:net';

type WriteMethod = (this: Socket, ...args: unknown[]) => unknown;

/** Counts the `_write`/`_writev` calls on accepted sockets (of `server` only, when given) while `run` runs. */
export async function serverWrites(run: () => Promise<void>, server?: object): Promise<Map<Socket, number>> {
  const counts = new Map<Socket, number>();
  const proto = Socket.prototype as unknown as Record<'_write' | '_writev', WriteMethod>;
  const spies = (['_write', '_writev'] as const).map((name) => {
    const original = proto[name];
    return jest.spyOn(proto, name).mockImplementation(function (this: Socket, ...args: unknown[]) {
      const owner = (this as unknown as { _server?: unknown })._server;
      if (owner && (server === undefined || owner === server)) counts.set(this, (counts.get(this) ?? 0) + 1);
      return original.apply(this, args);
    });
  });
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return counts;
}
