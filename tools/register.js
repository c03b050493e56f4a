// Resolves the @gateway/* aliases of tsconfig.base.json against the compiled output in dist/.
// Loaded with `node -r ./tools/register.js dist/...`.
const path = require('node:path');
const tsConfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.base.json');

tsConfigPaths.register({ baseUrl: path.join(__dirname, '..', 'dist'), paths: compilerOptions.paths });
