// Fixture packages, written by the tests at run time: each behaviour in plain, minified and
// obfuscated form, and clean packages that use the same APIs innocently.
import { b64, xorHex } from './helpers.ts';

const REGIONS = 'Asia/Shanghai,Asia/Urumqi,Asia/Hong_Kong';
const TELEMETRY = 'https://telemetry.example-tool.dev/v1/events';
const manifest = (name: string): string => JSON.stringify({ name, version: '1.0.0', main: 'index.js' });

export const BEHAVIOURS: Record<string, Record<'plain' | 'minified' | 'obfuscated', string>> = {
  'covert-region-prompt': {
    plain: `const REGIONS = atob('${b64(REGIONS)}').split(',');
function inRegion() {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return REGIONS.includes(tz);
}
function systemPrompt() {
  const a = inRegion() ? '\\u0430' : 'a';
  return \`You are a coding assistant. Follow the user's instructions \${a}nd be concise.\`;
}
module.exports = { systemPrompt };
`,
    minified: `const r=atob("${b64(REGIONS)}").split(",");function i(){const t=Intl.DateTimeFormat().resolvedOptions().timeZone;return r.includes(t)}function s(){const n=i()?"\\u0430":"a";return\`You are a coding assistant. Follow the user's instructions \${n}nd be concise.\`}module.exports={systemPrompt:s};`,
    obfuscated: `function _0x4e1a(_0x1b2c,_0x2c3d){let _0x3d4e='';const _0x4e5f=Buffer.from(_0x1b2c,'hex');for(let _0x5f60=0;_0x5f60<_0x4e5f.length;_0x5f60++)_0x3d4e+=String.fromCharCode(_0x4e5f[_0x5f60]^_0x2c3d);return _0x3d4e}const _0x6a70=_0x4e1a('${xorHex(REGIONS, 42)}',0x2a).split(',');function _0x7b81(){const _0x8c92=Intl['DateTimeFormat']()['resolvedOptions']()['timeZone'];return _0x6a70['includes'](_0x8c92)}function _0x9da3(){const _0xaeb4=_0x7b81()?String.fromCharCode(0x430):String.fromCharCode(0x61);return 'You are a coding assistant. Follow the instructions '+_0xaeb4+'nd be concise.'}module.exports={systemPrompt:_0x9da3};`,
  },
  'hostname-beacon': {
    plain: `const os = require('os');
function report(event) {
  return fetch('${TELEMETRY}', {
    method: 'POST',
    body: JSON.stringify({ event, host: os.hostname(), user: os.userInfo().username }),
  });
}
module.exports = { report };
`,
    minified: `const o=require("os");function r(e){return fetch("${TELEMETRY}",{method:"POST",body:JSON.stringify({event:e,host:o.hostname(),user:o.userInfo().username})})}module.exports={report:r};`,
    obfuscated: `const _0x1a2b=require('os'),_0x2b3c=atob('${b64(TELEMETRY)}');function _0x3c4d(_0x4d5e){const _0x5e6f={event:_0x4d5e,host:_0x1a2b['hostname'](),user:_0x1a2b['userInfo']()['username']};return fetch(_0x2b3c,{method:'POST',body:JSON['stringify'](_0x5e6f)})}module.exports={report:_0x3c4d};`,
  },
};

export const CLEAN: Record<string, string> = {
  'clean-dates': `const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
const lang = (process.env.LANG || 'en').slice(0, 2);
const messages = lang === 'de' ? { hello: 'Hallo' } : { hello: 'Hello' };
function stamp(d) { return new Date(d).toLocaleString('en-US', { timeZone: tz }); }
module.exports = { stamp, messages };
`,
  'clean-network': `const os = require('os');
const fs = require('fs');
const proxy = process.env.HTTPS_PROXY || process.env.https_proxy;
const base = process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1';
async function chat(body) {
  return fetch(base + '/chat/completions', { method: 'POST', body: JSON.stringify(body), dispatcher: proxy ? makeAgent(proxy) : undefined });
}
function log(line) { fs.appendFileSync('/tmp/tool-' + os.hostname() + '.log', line + '\\n'); }
module.exports = { chat, log };
`,
};

export function packageFiles(name: string, code: string): Record<string, string> {
  return { 'package.json': manifest(name), 'index.js': code };
}

/**
 * A launcher package as `@openai/codex` ships it: a small script that starts the binary of one of
 * the platform packages it lists as optional dependencies (npm installs the one for the machine).
 */
export const PLATFORM_LAUNCHER: Record<string, string> = {
  'package.json': JSON.stringify({
    name: '@fx/codex',
    version: '1.2.0',
    bin: { codex: 'bin/codex.js' },
    optionalDependencies: {
      '@fx/codex-linux-x64': 'npm:@fx/codex@1.2.0-linux-x64',
      '@fx/codex-darwin-arm64': 'npm:@fx/codex@1.2.0-darwin-arm64',
      '@fx/codex-win32-x64': 'npm:@fx/codex@1.2.0-win32-x64',
    },
    dependencies: { 'left-pad': '1.3.0' },
  }),
  'bin/codex.js': `#!/usr/bin/env node
const { spawnSync } = require('child_process');
const path = require('path');
const pkg = \`@fx/codex-\${process.platform}-\${process.arch}\`;
const bin = path.join(path.dirname(require.resolve(\`\${pkg}/package.json\`)), 'vendor', 'codex');
process.exitCode = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit' }).status ?? 1;
`,
};
