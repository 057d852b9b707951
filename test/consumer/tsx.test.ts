/** The README FAQ's metadata-free Quick start runs under tsx (esbuild: no decorator metadata), as documented. */
import { join } from 'node:path';
import { CONSUMER } from './support/paths';
import { requestOnce, run, startServer, writeProject } from './support/project';
import { metadataFreeQuickStart, quickStart, readmeTsconfig } from './support/quick-start';

const tsx = join(CONSUMER, 'node_modules', 'tsx', 'dist', 'cli.mjs');

test('`npx tsx src/main.ts` serves the metadata-free Quick start: replies and validation errors', async () => {
  const dir = writeProject('tsx-app', {
    'package.json': JSON.stringify({ name: 'tsx-app', private: true, type: 'commonjs' }),
    'tsconfig.json': JSON.stringify(readmeTsconfig()),
    'src/main.ts': metadataFreeQuickStart(),
  });
  const server = await startServer(process.execPath, [tsx, 'src/main.ts'], dir);
  try {
    expect(await requestOnce(server.port, '/chat', { event: 'say', payload: { text: 'hi' }, id: 1 })).toEqual(
      {
        event: 'say',
        payload: { from: expect.any(String), text: 'hi' },
        id: 1,
      },
    );
    expect(
      await requestOnce(server.port, '/chat', { event: 'say', payload: { text: 'hi', admin: true }, id: 2 }),
    ).toMatchObject({
      event: 'error',
      payload: { code: 'VALIDATION_FAILED' },
    });
  } finally {
    await server.stop();
  }
});

test('under tsx the implicit Quick start fails at start-up with a MissingMetadataError naming the parameter', async () => {
  const dir = writeProject('tsx-implicit', {
    'package.json': JSON.stringify({ name: 'tsx-implicit', private: true }),
    'tsconfig.json': JSON.stringify(readmeTsconfig()),
    'src/main.ts': quickStart(),
  });
  const result = await run(process.execPath, [tsx, 'src/main.ts'], dir);
  expect(result.code).not.toBe(0);
  expect(result.output).toContain(
    'MissingMetadataError: ChatController.say(): the @Payload() parameter #0 has no type',
  );
  expect(result.output).toContain('@Payload(SayDto)');
});
