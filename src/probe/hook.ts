// The resolver hook preloaded into Node tools (NODE_OPTIONS=--import=<file>): persona host names
// resolve to 127.0.0.1, so a base URL such as http://api.llm-relay.cn:PORT reaches the capture
// server without touching /etc/hosts, and the tool reads the host name it would see in real use.
// Every other name fails to resolve (unless network is allowed), so a probed tool cannot phone
// home during the probe. Node's net (used by http, https and the built-in fetch/undici) calls
// dns.lookup through the module object, which is what the hook replaces.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function hookSource(hosts: readonly string[], allowNetwork: boolean): string {
  return `// airlock probe resolver hook (generated)
import dns from 'node:dns';
const HOSTS = new Set(${JSON.stringify(hosts.map((h) => h.toLowerCase()))});
const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const ALLOW = ${allowNetwork ? 'true' : 'false'};
const orig = dns.lookup;
const answer = (opts, cb, address, family) => {
  if (opts && opts.all) process.nextTick(cb, null, [{ address, family }]);
  else process.nextTick(cb, null, address, family);
};
function lookup(host, opts, cb) {
  if (typeof opts === 'function') { cb = opts; opts = {}; }
  if (typeof opts === 'number') opts = { family: opts };
  const h = String(host).toLowerCase();
  if (HOSTS.has(h)) return answer(opts, cb, '127.0.0.1', 4);
  if (ALLOW || LOCAL.has(h)) return orig.call(dns, host, opts, cb);
  const err = Object.assign(new Error('getaddrinfo ENOTFOUND ' + h + ' (blocked by airlock probe)'), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: h });
  process.nextTick(cb, err);
}
dns.lookup = lookup;
const p = dns.promises;
if (p) {
  const origP = p.lookup;
  p.lookup = (host, opts = {}) => new Promise((res, rej) => lookup(host, opts, (e, a, f) => (e ? rej(e) : res(opts && opts.all ? a : { address: a, family: f }))));
  void origP;
}
`;
}

/** Writes the hook into dir and returns the NODE_OPTIONS value that preloads it. */
export function writeHook(dir: string, hosts: readonly string[], allowNetwork: boolean): string {
  const file = join(dir, 'airlock-probe-hook.mjs');
  writeFileSync(file, hookSource(hosts, allowNetwork));
  return `--import=${pathToFileURL(file).href}`;
}
