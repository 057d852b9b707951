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
  // The consumer matrix (test/consumer) packs the package and has its own tools: `npm run test:consumer`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/', '<rootDir>/test/consumer/'],
  modulePathIgnorePatterns: ['<rootDir>/test/consumer/node_modules/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^ws-controllers$': '<rootDir>/src/index.ts',
    '^ws-controllers/(.*)$': '<rootDir>/src/$1/index.ts',
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 20000,
};
