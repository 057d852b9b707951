// Deno runs a file as CommonJS only when it ends in .cjs: this entry loads a compiled bench server.
// Usage: deno run --allow-all deno-entry.cjs <compiled server .js> <variant>
const path = require('node:path');
const file = process.argv[2];
process.argv.splice(2, 1); // the server reads its variant from argv[2], as under Node
require(path.resolve(file));
