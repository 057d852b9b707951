/**
 * The README's tsconfig and Quick start in a user's project, against the packed package: TypeScript
 * 5.9 and 7, CommonJS and ESM, with strict consumer flags (`skipLibCheck: false`,
 * `exactOptionalPropertyTypes`, `verbatimModuleSyntax` for ESM); the output runs and answers over a socket.
 */
import { codeBlock, requestOnce, run, startServer, writeProject } from './support/project';
import { COMPILERS } from './support/paths';

/** The README's tsconfig block, comments removed. */
function readmeTsconfig(): { compilerOptions: Record<string, unknown> } {
  const text = codeBlock('README.md', '## Installation', 'jsonc').replace(/\/\/[^\n]*/g, '');
  return JSON.parse(text) as { compilerOptions: Record<string, unknown> };
}

/** Uses every entry point, with options written as `cond ? value : undefined` (exactOptionalPropertyTypes). */
const everyEntry = `
import { bootstrap, InMemoryAdapter, type BootstrapOptions, type WsClient } from 'ws-controllers';
import { createMockClient, createTestingApp, type TestingApp } from 'ws-controllers/testing';
import { connect } from 'ws-controllers/client';
import { RedisAdapter } from 'ws-controllers/redis';
import { createEmitter, type EmitterOptions } from 'ws-controllers/emitter';
import { createAsyncApiDocument, verifyEventMap } from 'ws-controllers/asyncapi';
import { bunTransport } from 'ws-controllers/bun';
import { denoTransport } from 'ws-controllers/deno';
import type { Transport } from 'ws-controllers/spi';

const env: Record<string, string | undefined> = {};
const transport: Transport | undefined = env.RUNTIME === 'deno' ? denoTransport() : env.RUNTIME === 'bun' ? bunTransport() : undefined;
const options: BootstrapOptions = {
  port: env.PORT ? Number(env.PORT) : undefined,
  host: env.HOST,
  transport: env.RUNTIME ? transport : undefined,
  adapter: env.REDIS_URL ? new RedisAdapter({ url: env.REDIS_URL, keyPrefix: env.PREFIX }) : new InMemoryAdapter(),
  logger: env.QUIET ? false : undefined,
  allowedOrigins: env.ORIGIN ? [env.ORIGIN] : undefined,
};
const emitterOptions: EmitterOptions = { url: env.REDIS_URL, keyPrefix: env.PREFIX, logger: env.QUIET ? false : undefined };
export const uses = [bootstrap, createMockClient, createTestingApp, connect, createAsyncApiDocument, verifyEventMap, options, createEmitter, emitterOptions];
export type Uses = [TestingApp, WsClient];
`;

const cases = Object.keys(COMPILERS).flatMap((compiler) =>
  (['commonjs', 'module'] as const).map((type) => ({ compiler: compiler as keyof typeof COMPILERS, type })),
);

test.each(cases)(
  '$compiler, "type": "$type": the Quick start compiles with strict consumer flags and answers',
  async ({ compiler, type }) => {
    const tsconfig = readmeTsconfig();
    tsconfig.compilerOptions.skipLibCheck = false;
    tsconfig.compilerOptions.exactOptionalPropertyTypes = true;
    tsconfig.compilerOptions.noUncheckedIndexedAccess = true;
    if (type === 'module') tsconfig.compilerOptions.verbatimModuleSyntax = true;
    const quickStart = codeBlock('README.md', '## Quick start', 'ts');
    expect(quickStart).toContain('{ port: 3000 }');
    const name = `${compiler.replace(/\W+/g, '-')}-${type}`.toLowerCase();
    const dir = writeProject(name, {
      'package.json': JSON.stringify({ name, private: true, type }),
      'tsconfig.json': JSON.stringify(tsconfig, null, 2),
      // Port 0 instead of 3000: tests never take a fixed port.
      'src/main.ts': quickStart.replace('{ port: 3000 }', '{ port: 0 }'),
      'src/every-entry.ts': everyEntry,
    });
    const compiled = await run(process.execPath, [COMPILERS[compiler], '-p', 'tsconfig.json'], dir);
    expect(compiled).toEqual({ code: 0, output: '' });
    const server = await startServer(process.execPath, ['dist/main.js'], dir);
    try {
      expect(
        await requestOnce(server.port, '/chat', { event: 'say', payload: { text: 'hi' }, id: 1 }),
      ).toEqual({
        event: 'say',
        payload: { from: expect.any(String), text: 'hi' },
        id: 1,
      });
      expect(
        await requestOnce(server.port, '/chat', { event: 'say', payload: { text: '' }, id: 2 }),
      ).toMatchObject({
        event: 'error',
        payload: { code: 'VALIDATION_FAILED' },
        id: 2,
      });
    } finally {
      await server.stop();
    }
  },
);
