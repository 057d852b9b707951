/**
 * The reliability suite (`npm run test:reliability`): hostile input, faults, load and churn.
 * Long-running and resource-hungry, so it is kept out of plain `npm test` and runs one file at a time.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/reliability'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 180000,
};
