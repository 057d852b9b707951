/**
 * Lets a child `node` process run the TypeScript sources directly, from a fresh clone, with no
 * build: `node -r ./test/redis/support/ts-hook.js some-fixture.ts`. Compiles each .ts file with
 * @swc/core (the same options as jest) and maps 'ws-controllers' and 'ws-controllers/<x>' to src/.
 */
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../../..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'ws-controllers') request = path.join(root, 'src/index.ts');
  else if (request.startsWith('ws-controllers/'))
    request = path.join(root, 'src', request.slice('ws-controllers/'.length), 'index.ts');
  return resolveFilename.call(this, request, ...rest);
};

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
