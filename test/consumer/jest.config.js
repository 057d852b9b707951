/**
 * The consumer matrix: the packed package, installed as a user installs it, compiled and run with
 * TypeScript 5.9 and 7, CommonJS and ESM, strict consumer flags, tsx, Vitest, Jest and Deno.
 * Needs its own tools first: `npm ci --prefix test/consumer`. Run: `npm run test:consumer`.
 * @type {import('jest').Config}
 */
const swc = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
};

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  modulePathIgnorePatterns: ['<rootDir>/node_modules/'],
  transform: { '^.+\\.ts$': [require.resolve('@swc/jest'), swc] },
  globalSetup: '<rootDir>/support/global-setup.ts',
  testTimeout: 180000,
  // Each suite spawns compilers and servers: two at a time is what a 2-core box takes.
  maxWorkers: 2,
};
