/** docs/runtimes.md's Deno entry, compiled with tsc from the packed package, run with the documented commands word for word. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILERS, REPO } from './support/paths';
import { codeBlocks, requestOnce, run, startServer, writeProject } from './support/project';
import { appModule, readmeTsconfig } from './support/quick-start';

const deno = join(REPO, 'node_modules', '.bin', 'deno');

/** The Deno block and the commands the page documents for it. */
function denoDocs(): { main: string; commands: string[] } {
  const main = codeBlocks('docs/runtimes.md', '# Runtimes: Node, Bun and Deno', 'ts').find((b) =>
    b.includes('denoTransport()'),
  );
  if (main === undefined) throw new Error('docs/runtimes.md has no Deno entry');
  const text = readFileSync(join(REPO, 'docs/runtimes.md'), 'utf8');
  const commands = [...new Set([...text.matchAll(/`(deno run [^`]+)`/g)].map((m) => m[1] as string))];
  return { main, commands };
}

test.each([
  ['the default logger', ''],
  ['logger: false', ', logger: false'],
])('with %s, the documented deno run command serves the app', async (_name, extra) => {
  const { main, commands } = denoDocs();
  // The documented command for this logger: the one with --allow-sys only for the default logger.
  const command = commands.find((c) =>
    extra === '' ? c.includes('--allow-sys') : !c.includes('--allow-sys'),
  );
  if (command === undefined)
    throw new Error(`no documented deno command for ${_name}: ${commands.join(' | ')}`);
  const name = extra === '' ? 'deno-default-logger' : 'deno-no-logger';
  const dir = writeProject(name, {
    'package.json': JSON.stringify({ name, private: true, type: 'commonjs' }),
    'tsconfig.json': JSON.stringify(readmeTsconfig()),
    'src/app.module.ts': appModule(),
    // Port 0, and with logger: false (nothing logged) the test prints the port itself.
    'src/main.ts': main
      .replace('{ port: 3000,', `{ port: 0${extra},`)
      .replace(
        /\}\);\s*$/,
        extra === '' ? '});\n' : '}).then((app) => console.log(`listening on port ${app.port}`));\n',
      ),
  });
  const compiled = await run(process.execPath, [COMPILERS['TypeScript 5.9'], '-p', 'tsconfig.json'], dir);
  expect(compiled).toEqual({ code: 0, output: '' });
  const [, ...args] = command.split(' ');
  const server = await startServer(deno, args, dir);
  try {
    expect(
      await requestOnce(server.port, '/chat', { event: 'say', payload: { text: 'hi' }, id: 1 }),
    ).toMatchObject({ event: 'say', id: 1 });
  } finally {
    await server.stop();
  }
});
