/** @type {import('jest').Config} */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/sample-app/test'],
  testMatch: ['**/*.test.ts'],
  // The reliability suite is long (minutes): `npm run test:reliability` runs it (jest.reliability.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^ws-controllers$': '<rootDir>/src/index.ts',
    '^ws-controllers/(.*)$': '<rootDir>/src/$1/index.ts',
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 20000,
};
