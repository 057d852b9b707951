import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecureModule } from './auth-example';
import { open, refusal, start } from './harness';

const GUIDE = join(__dirname, '../../docs/guide.md');

/** The ```ts block of the guide's auth example (docs/guide.md). */
function readmeExample(): string {
  const readme = readFileSync(GUIDE, 'utf8');
  const start = readme.indexOf('### Example: authentication');
  if (start < 0) throw new Error("docs/guide.md has no '### Example: authentication' section");
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match?.[1]) throw new Error('no ts block in the auth example');
  return match[1];
}

test('the guide auth example is this compiled and tested file, word for word', () => {
  expect(readmeExample().trim()).toBe(readFileSync(join(__dirname, 'auth-example.ts'), 'utf8').trim());
});

test('the guide has a "Guards, middleware and filters" section', () => {
  expect(readFileSync(GUIDE, 'utf8')).toContain('\n## Guards, middleware and filters\n');
});

test('the auth guard refuses an upgrade without a valid token with 401', async () => {
  const app = await start(SecureModule);
  for (const path of ['/secure', '/secure?token=nope']) {
    const refused = await refusal(app, path);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ code: 'UNAUTHORIZED', message: 'Invalid or missing token' });
  }
});

test('the user stored at connect reaches handlers through @CurrentUser()', async () => {
  const app = await start(SecureModule);
  const socket = await open(app, '/secure?token=t-ada');
  expect((await socket.request('me')).payload).toEqual({ id: 'u1', name: 'Ada', roles: ['admin'] });
  expect((await socket.request('shutdown')).payload).toBe('shutting down, Ada');
});
