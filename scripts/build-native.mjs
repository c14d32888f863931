#!/usr/bin/env node
/* global process, console */
// Builds the optional native trigger pass (native/scan.cc) against the system's Hyperscan.
// Run by `npm install` / `npm ci` (the package's install script) and by `npm run build:native`.
// Without libhyperscan-dev it says so and exits 0: the engine then uses its JavaScript prefilter,
// with identical findings (test/detect/native.test.ts), at lower speed.
// AIRLOCK_REQUIRE_NATIVE=1 turns a missing library or a failed build into an error (CI sets it).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.AIRLOCK_REQUIRE_NATIVE === '1';
const say = (m) => console.error(`airlock native: ${m}`);
const give = (m) => {
  say(m);
  process.exit(required ? 1 : 0);
};

if (process.env.AIRLOCK_NATIVE === '0') give('skipped (AIRLOCK_NATIVE=0)');
if (!existsSync('/usr/include/hs/hs.h')) {
  give('Hyperscan headers not found; the inspection engine will use its JavaScript prefilter (same findings, slower). ' +
    'For the native pass: apt-get install libhyperscan-dev && npm run build:native');
}
// node-gyp comes with npm; npm passes its path (and the Node headers' directory) to scripts.
let gyp = process.env.npm_config_node_gyp;
if (!gyp || !existsSync(gyp)) {
  try {
    gyp = createRequire(join(dirname(process.execPath), '../lib/node_modules/npm/'))
      .resolve('node-gyp/bin/node-gyp.js');
  } catch {
    give('node-gyp not found (it comes with npm); the engine will use its JavaScript prefilter');
  }
}
const args = [gyp, 'rebuild', '--loglevel=warn'];
const nodedir = process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node_api.h') ? '/usr' : undefined);
if (nodedir) args.push(`--nodedir=${nodedir}`);
const r = spawnSync(process.execPath, args, { cwd: join(root, 'native'), stdio: ['ignore', 'ignore', 'inherit'] });
if (r.status !== 0) give('the build failed (see above); the engine will use its JavaScript prefilter');
try {
  createRequire(import.meta.url)('../native/build/Release/airlock_scan.node');
} catch (e) {
  give(`built but does not load: ${e instanceof Error ? e.message : e}`);
}
say('built native/build/Release/airlock_scan.node (Hyperscan trigger pass)');
