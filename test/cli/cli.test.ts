/** The CLI's commands, options, names and exit codes, run in-process against a temporary folder. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsc-cli-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('help and usage errors', () => {
  test('--help lists the commands and exits with 0', async () => {
    const run = await cli(dir, '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: ws-controllers <command> [options]');
    expect(run.stdout).toContain('ws-controllers generate controller <name> [--path /name] [--dir src] [--force]');
    expect(run.stdout).toContain('ws-controllers new <dir>');
  });

  test('a command --help describes its options', async () => {
    const run = await cli(dir, 'generate', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--path <\/name>\s+The controller path/);
    expect(run.stdout).toContain('--force');
  });

  test('--version prints the package version', async () => {
    const run = await cli(dir, '--version');
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  test('no command is a usage error with exit code 2', async () => {
    const run = await cli(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: Missing command.');
  });

  test('an unknown command is a usage error with exit code 2', async () => {
    const run = await cli(dir, 'destroy');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: Unknown command 'destroy'.");
    expect(run.stderr).toContain("Run 'ws-controllers --help' for usage.");
  });

  test('an unknown option is a usage error with exit code 2', async () => {
    const run = await cli(dir, 'generate', 'controller', 'chat', '--colour');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--colour');
  });

  test('generating something other than a controller is a usage error', async () => {
    const run = await cli(dir, 'generate', 'service', 'chat');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cannot generate 'service'");
  });
});

describe('generate controller', () => {
  test('writes the controller, its DTO and its spec under src/<name>/ and lists them', async () => {
    const run = await cli(dir, 'generate', 'controller', 'chat');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'created src/chat/chat.controller.ts',
      'created src/chat/chat.dto.ts',
      'created src/chat/chat.controller.spec.ts',
      'Next: add ChatController to the controllers of your @Module.',
    ]);
    const controller = readFileSync(join(dir, 'src/chat/chat.controller.ts'), 'utf8');
    expect(controller).toContain("@WebSocketController('/chat')");
    expect(controller).toContain('export class ChatController');
    expect(readFileSync(join(dir, 'src/chat/chat.dto.ts'), 'utf8')).toContain('export class ChatMessageDto');
    expect(readFileSync(join(dir, 'src/chat/chat.controller.spec.ts'), 'utf8')).toContain("from 'ws-controllers/testing'");
  });

  test('--path and --dir choose the route and the folder', async () => {
    const run = await cli(dir, 'generate', 'controller', 'game-room', '--path', '/games/:gameId', '--dir', 'server/ws');
    expect(run.code).toBe(0);
    const controller = readFileSync(join(dir, 'server/ws/game-room/game-room.controller.ts'), 'utf8');
    expect(controller).toContain("@WebSocketController('/games/:gameId')");
    expect(controller).toContain('export class GameRoomController');
    expect(readFileSync(join(dir, 'server/ws/game-room/game-room.controller.spec.ts'), 'utf8')).toContain("app.connect('/games/1')");
  });

  test('files outside the working directory are listed with their full path', async () => {
    const run = await cli(join(dir, 'work'), 'generate', 'controller', 'chat', '--dir', join(dir, 'elsewhere'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`created ${join(dir, 'elsewhere/chat/chat.controller.ts')}`);
  });

  test('PascalCase and camelCase names become kebab-case files', async () => {
    await cli(dir, 'generate', 'controller', 'UserProfile');
    await cli(dir, 'generate', 'controller', 'liveScores');
    expect(existsSync(join(dir, 'src/user-profile/user-profile.controller.ts'))).toBe(true);
    expect(readFileSync(join(dir, 'src/live-scores/live-scores.controller.ts'), 'utf8')).toContain("'/live-scores'");
  });

  test.each(['1chat', 'chat/room', 'chat room', 'chat!', '_chat', 'chat--room', 'ChatController'])(
    'the bad name %j is a clear error with exit code 2 and writes nothing',
    async (name) => {
      const run = await cli(dir, 'generate', 'controller', name);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/error: Invalid controller name/);
      expect(existsSync(join(dir, 'src'))).toBe(false);
    },
  );

  test('a missing name is a usage error', async () => {
    const run = await cli(dir, 'generate', 'controller');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Missing controller name');
  });

  test.each(['chat', '/chat?x=1', '/', '/a b'])('the bad path %j is a usage error', async (path) => {
    const run = await cli(dir, 'generate', 'controller', 'chat', '--path', path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Invalid path');
  });

  test('refuses to overwrite existing files and writes nothing', async () => {
    await cli(dir, 'generate', 'controller', 'chat');
    writeFileSync(join(dir, 'src/chat/chat.dto.ts'), '// mine');
    const run = await cli(dir, 'generate', 'controller', 'chat');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: src/chat/chat.dto.ts already exists');
    expect(run.stderr).toContain('Use --force to overwrite.');
    expect(run.stdout).toBe('');
    expect(readFileSync(join(dir, 'src/chat/chat.dto.ts'), 'utf8')).toBe('// mine');
  });

  test('--force overwrites and says so', async () => {
    await cli(dir, 'generate', 'controller', 'chat');
    writeFileSync(join(dir, 'src/chat/chat.dto.ts'), '// mine');
    const run = await cli(dir, 'generate', 'controller', 'chat', '--force');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('overwrote src/chat/chat.dto.ts');
    expect(readFileSync(join(dir, 'src/chat/chat.dto.ts'), 'utf8')).toContain('ChatMessageDto');
  });
});

describe('new', () => {
  test('writes a minimal project and tells what to run', async () => {
    const run = await cli(dir, 'new', 'my-app');
    expect(run.code).toBe(0);
    for (const file of ['package.json', 'tsconfig.json', 'README.md', 'src/main.ts', 'src/app.module.ts', 'src/chat/chat.controller.ts', 'src/chat/chat.controller.spec.ts']) {
      expect(run.stdout).toContain(`created ${join('my-app', file)}`);
      expect(existsSync(join(dir, 'my-app', file))).toBe(true);
    }
    expect(run.stdout).toContain('npm install');
    const pkg = JSON.parse(readFileSync(join(dir, 'my-app/package.json'), 'utf8')) as { name: string; scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.name).toBe('my-app');
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['start', 'test']));
    expect(pkg.dependencies['ws-controllers']).toMatch(/^\^\d/);
  });

  test('refuses to write over an existing project', async () => {
    await cli(dir, 'new', 'my-app');
    const run = await cli(dir, 'new', 'my-app');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('already exists');
  });

  test('a folder name that is not a valid package name is a usage error', async () => {
    const run = await cli(dir, 'new', 'My App');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Invalid project name 'My App'");
  });

  test('a missing folder is a usage error', async () => {
    const run = await cli(dir, 'new');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Missing the project folder');
  });
});

describe('generate controller registers it in the nearest @Module', () => {
  const appModule = `import { Module } from 'ws-controllers';
import { ChatController } from './chat/chat.controller';

@Module({ controllers: [ChatController], providers: [] })
export class AppModule {}
`;

  test('adds the import and the controllers entry to src/app.module.ts, and says so', async () => {
    writeFileSync(join(dir, 'package.json'), '{}');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/app.module.ts'), appModule);
    const run = await cli(dir, 'generate', 'controller', 'game-room');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('updated src/app.module.ts (GameRoomController added to its controllers)');
    expect(readFileSync(join(dir, 'src/app.module.ts'), 'utf8')).toBe(`import { Module } from 'ws-controllers';
import { ChatController } from './chat/chat.controller';
import { GameRoomController } from './game-room/game-room.controller';

@Module({ controllers: [ChatController, GameRoomController], providers: [] })
export class AppModule {}
`);
  });

  test('--dry-run prints the files and the module edit, and writes nothing', async () => {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/app.module.ts'), appModule);
    const run = await cli(dir, 'generate', 'controller', 'lobby', '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'would create src/lobby/lobby.controller.ts',
      'would create src/lobby/lobby.dto.ts',
      'would create src/lobby/lobby.controller.spec.ts',
      'would update src/app.module.ts:',
      '  - @Module({ controllers: [ChatController], providers: [] })',
      "  + import { LobbyController } from './lobby/lobby.controller';",
      '  + @Module({ controllers: [ChatController, LobbyController], providers: [] })',
    ]);
    expect(existsSync(join(dir, 'src/lobby'))).toBe(false);
    expect(readFileSync(join(dir, 'src/app.module.ts'), 'utf8')).toBe(appModule);
  });

  test('the nearest module wins; @Module() and a module without controllers get one; ESM imports keep .js', async () => {
    mkdirSync(join(dir, 'src/admin'), { recursive: true });
    writeFileSync(join(dir, 'src/app.module.ts'), appModule);
    writeFileSync(join(dir, 'src/admin/admin.module.ts'), "import { Module } from 'ws-controllers';\nimport { A } from './a.js';\n\n@Module()\nexport class AdminModule {}\n");
    expect((await cli(dir, 'generate', 'controller', 'audit', '--dir', 'src/admin')).code).toBe(0);
    const admin = readFileSync(join(dir, 'src/admin/admin.module.ts'), 'utf8');
    expect(admin).toContain("import { AuditController } from './audit/audit.controller.js';\n");
    expect(admin).toContain('@Module({ controllers: [AuditController] })');
    expect(readFileSync(join(dir, 'src/app.module.ts'), 'utf8')).toBe(appModule);

    writeFileSync(join(dir, 'src/app.module.ts'), "import { Module } from 'ws-controllers';\n\n@Module({ providers: [] })\nexport class AppModule {}\n");
    expect((await cli(dir, 'generate', 'controller', 'news')).code).toBe(0);
    expect(readFileSync(join(dir, 'src/app.module.ts'), 'utf8')).toContain('@Module({ controllers: [NewsController], providers: [] })');
  });

  test('a module the CLI cannot edit is left alone, with the hint', async () => {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/app.module.ts'), "import { Module } from 'ws-controllers';\nconst meta = {};\n@Module(meta)\nexport class AppModule {}\n");
    const run = await cli(dir, 'generate', 'controller', 'chat');
    expect(run.stdout).toContain('Next: add ChatController to the controllers of your @Module (src/app.module.ts was left as it is).');
  });
});
