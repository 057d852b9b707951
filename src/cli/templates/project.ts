/**
 * @module cli/templates/project
 * The files of `new <dir>`: a minimal project that runs with `npm install && npm start`
 * and passes `npm test`, with one controller (the same as `generate controller chat`).
 */
import type { PackageInfo } from '../package-info';
import { controllerName } from '../names';
import type { GeneratedFile } from '../write-files';
import { controllerFiles } from './controller';

// Used when our own package.json does not list one (it always should).
const FALLBACK_RANGES: Record<string, string> = {
  'class-transformer': '^0.5.1',
  'class-validator': '^0.15.1',
  'reflect-metadata': '^0.2.2',
  '@swc/core': '^1.16.0',
  '@swc/jest': '^0.2.39',
  '@types/jest': '^30.0.0',
  '@types/node': '^20.19.0',
  jest: '^30.0.0',
  typescript: '~5.9.3',
};

function pick(info: PackageInfo, names: readonly string[]): Record<string, string> {
  const ranges: Record<string, string> = {};
  for (const name of names) {
    ranges[name] = info.dependencies[name] ?? info.devDependencies[name] ?? FALLBACK_RANGES[name] ?? 'latest';
  }
  return ranges;
}

function packageJson(name: string, info: PackageInfo): string {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      start: 'npm run build && node dist/main.js',
      test: 'jest',
    },
    dependencies: {
      [info.name]: `^${info.version}`,
      ...pick(info, ['class-transformer', 'class-validator', 'reflect-metadata']),
    },
    devDependencies: pick(info, ['@swc/core', '@swc/jest', '@types/jest', '@types/node', 'jest', 'typescript']),
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    moduleResolution: 'node',
    lib: ['ES2022'],
    types: ['node', 'jest'],
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    useDefineForClassFields: false,
    esModuleInterop: true,
    skipLibCheck: true,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

const TSCONFIG_BUILD = {
  extends: './tsconfig.json',
  compilerOptions: { types: ['node'] },
  exclude: ['src/**/*.spec.ts'],
};

const JEST_CONFIG = `/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
  setupFiles: ['reflect-metadata'],
  transform: {
    // Decorator metadata is what lets ws-controllers inject services and validate DTOs.
    '^.+\\\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
};
`;

const APP_MODULE = `import { Module } from 'ws-controllers';
import { ChatController } from './chat/chat.controller';

/** The root module: list controllers and providers here. */
@Module({ controllers: [ChatController] })
export class AppModule {}
`;

const MAIN = `import 'reflect-metadata';
import { bootstrap } from 'ws-controllers';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const app = await bootstrap(AppModule, { port: Number(process.env.PORT ?? 3000) });
  console.log(\`App listening on port \${app.port}: ws://localhost:\${app.port}/chat\`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

function readme(name: string): string {
  return `# ${name}

A WebSocket back end built with [ws-controllers](https://www.npmjs.com/package/ws-controllers).

\`\`\`sh
npm install
npm start        # listens on ws://localhost:3000 (set PORT to change)
npm test         # runs the specs next to the code (src/**/*.spec.ts)
\`\`\`

Try it: connect to \`ws://localhost:3000/chat\` and send \`{"event":"echo","payload":{"text":"hi"},"id":1}\`.

Add a controller with \`npx ws-controllers generate controller <name>\`: it is added to \`src/app.module.ts\` too.
`;
}

/** Every file of a new project named `name`. */
export function projectFiles(name: string, info: PackageInfo): GeneratedFile[] {
  return [
    { path: 'package.json', content: packageJson(name, info) },
    { path: 'tsconfig.json', content: JSON.stringify(TSCONFIG, null, 2) + '\n' },
    { path: 'tsconfig.build.json', content: JSON.stringify(TSCONFIG_BUILD, null, 2) + '\n' },
    { path: 'jest.config.js', content: JEST_CONFIG },
    { path: '.gitignore', content: 'node_modules/\ndist/\n' },
    { path: 'README.md', content: readme(name) },
    { path: 'src/main.ts', content: MAIN },
    { path: 'src/app.module.ts', content: APP_MODULE },
    ...controllerFiles(controllerName('chat'), '/chat').map((file) => ({ ...file, path: `src/${file.path}` })),
  ];
}
