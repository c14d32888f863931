// Recognising reads of the machine and the user: one expression at a time, by shape, so that it
// works on minified bundles where `os` is `K`, `process.env` is aliased and imports are renamed.
import type { FpKind, Node } from './types.ts';
import { lookup, type Scope } from './walk.ts';
import { calleeName, propName } from './ast-names.ts';

/** Environment variables and what they reveal. */
export function envKind(name: string): FpKind | null {
  const n = name.toUpperCase();
  if (n === 'TZ') return 'timezone';
  if (n === 'LANG' || n === 'LANGUAGE' || n === 'LC_ALL' || n === 'LC_MESSAGES' || n === 'LC_CTYPE') return 'locale';
  if (n === 'HOSTNAME' || n === 'COMPUTERNAME' || n === 'USERDOMAIN' || n === 'USERDNSDOMAIN' || n === 'LOGONSERVER') return 'hostname';
  if (n === 'USER' || n === 'USERNAME' || n === 'LOGNAME') return 'username';
  if (/^(HTTPS?|ALL|NO|FTP|SOCKS)_PROXY$/.test(n)) return 'proxy';
  if (/_(BASE_URL|API_BASE|API_URL|API_HOST|ENDPOINT)$/.test(n) || n === 'BASE_URL') return 'base-url';
  return null;
}

// envKind by property name: bundles repeat a few thousand names over a hundred thousand reads.
const envKinds = new Map<string, FpKind | null>();
function envKindOf(name: string): FpKind | null {
  let k = envKinds.get(name);
  if (k === undefined) {
    k = envKind(name);
    if (envKinds.size >= 50_000) envKinds.clear();
    envKinds.set(name, k);
  }
  return k;
}

/** Whether a member read with this property name can be a fingerprint source (see fpSource). */
export function fpMemberName(p: string): boolean {
  return p === 'timeZone' || p === 'locale' || p === 'language' || p === 'languages' || envKindOf(p) !== null;
}

/** Env names distinctive enough to count when passed as a string to any helper (getEnv("X")). */
const HELPER_ENV = /^[A-Z][A-Z0-9]*_(BASE_URL|API_BASE|API_URL)$|^(HTTPS?|ALL|NO)_PROXY$/i;

const MACHINE_ID = /\/etc\/machine-id|\/var\/lib\/dbus\/machine-id|IOPlatformUUID|IOPlatformExpertDevice|MachineGuid|csproduct\s+get\s+uuid|smbios\.system\.uuid|kern\.uuid|\/sys\/class\/dmi\/id\/product_uuid/i;
const SOFTWARE = /\bdpkg\s+(-l|--list)|\brpm\s+-qa|\bbrew\s+list|\bwmic\s+product|Get-(Package|ItemProperty)[^"']*Uninstall|\\Uninstall\b|system_profiler\s+SPApplicationsDataType|\bsnap\s+list|\bflatpak\s+list|^\/Applications\/?$|\bmdfind\b|Program Files/i;
const NET_CMD = /^\s*(ifconfig|ipconfig\s+\/all|getmac|ip\s+(link|addr)|arp\s+-a)\b/i;
const MACHINE_ID_MODULES = new Set(['node-machine-id', 'machine-id', 'node-machine-uid']);
const MAC_MODULES = new Set(['getmac', 'macaddress', 'address', 'systeminformation']);

export const isProcessEnv = (n: Node | null | undefined, scope: Scope | null, depth = 0): boolean => {
  if (!n) return false;
  if (n.type === 'ParenthesizedExpression' || n.type === 'ChainExpression') return isProcessEnv(n.expression, scope, depth);
  if (n.type === 'MemberExpression' && !n.computed && n.property.name === 'env') {
    const o = n.object.type === 'MemberExpression' && !n.object.computed && n.object.property.name === 'process' ? n.object.object : n.object;
    if (o.type === 'Identifier' && (o.name === 'process' || o.name === 'globalThis')) return true;
    if (o.type === 'MemberExpression' && !o.computed && o.property.name === 'process') return true;
    return o.type === 'Identifier' && depth < 2 && isProcessAlias(o, scope);
  }
  if (n.type === 'Identifier' && scope && depth < 3) {
    const d = lookup(scope, n.name);
    if (d && d.init && d.kind !== 'param') return isProcessEnv(d.init, d.scope, depth + 1);
  }
  return false;
};

function isProcessAlias(id: Node, scope: Scope | null): boolean {
  const d = scope ? lookup(scope, id.name) : null;
  return !!d?.init && d.init.type === 'Identifier' && d.init.name === 'process';
}

function importedFrom(id: Node, scope: Scope | null): { source: string; name: string } | null {
  if (id.type !== 'Identifier' || !scope) return null;
  const d = lookup(scope, id.name);
  if (!d) return null;
  if (d.kind === 'import' && d.importSource) return { source: d.importSource, name: d.importName ?? '' };
  // const x = require('mod')
  const init = d.init;
  if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require') {
    const a = init.arguments[0];
    if (a?.type === 'Literal' && typeof a.value === 'string') return { source: a.value, name: '*' };
  }
  return null;
}

const stripNode = (s: string): string => (s.startsWith('node:') ? s.slice(5) : s);

function stringArg(call: Node): string | null {
  const a = call.arguments?.[0];
  if (!a) return null;
  if (a.type === 'Literal' && typeof a.value === 'string') return a.value;
  if (a.type === 'TemplateLiteral' && a.expressions.length === 0) return a.quasis[0]?.value.cooked ?? null;
  if (a.type === 'ArrayExpression') {
    const parts = a.elements.map((e: Node | null) => (e?.type === 'Literal' && typeof e.value === 'string' ? e.value : '')).join(' ');
    return parts;
  }
  return null;
}

/**
 * The kind of fingerprint this expression reads directly, or null. Derived values (a variable that
 * holds it, `new URL(base).host`) are followed by derive.ts, not here.
 */
export function fpSource(n: Node, scope: Scope | null): FpKind | null {
  switch (n.type) {
    case 'MemberExpression': {
      const p = propName(n);
      if (p === null) return null;
      // Keep fpMemberName in step with the names tested here.
      if (p === 'timeZone' || p === 'locale') {
        const o = unwrap(n.object);
        if (o.type === 'CallExpression' && calleeName(o) === 'resolvedOptions') return p === 'timeZone' ? 'timezone' : 'locale';
        if (o.type === 'Identifier' && scope) {
          const d = lookup(scope, o.name);
          const init = d?.init ? unwrap(d.init) : null;
          if (init?.type === 'CallExpression' && calleeName(init) === 'resolvedOptions') return p === 'timeZone' ? 'timezone' : 'locale';
        }
        return null;
      }
      if ((p === 'language' || p === 'languages') && n.object.type === 'Identifier' && n.object.name === 'navigator') return 'locale';
      // Few property names are fingerprint variables: test the name before resolving the object,
      // which costs scope lookups and is asked of every member expression in a bundle.
      const k = envKindOf(p);
      return k !== null && isProcessEnv(n.object, scope) ? k : null;
    }
    case 'CallExpression': {
      const name = calleeName(n);
      if (!name) return null;
      const argc = n.arguments.length;
      if (name === 'getTimezoneOffset' && argc === 0) return 'timezone';
      if (name === 'hostname' && argc === 0) return 'hostname';
      if (name === 'userInfo' && argc <= 1) return 'username';
      if (name === 'networkInterfaces' && argc === 0) return 'network';
      if (name === 'getLocale' && argc === 0) return 'locale';
      if (name === 'machineId' || name === 'machineIdSync') return 'machine-id';
      if (n.callee.type === 'Identifier') {
        const imp = importedFrom(n.callee, scope);
        if (imp && MACHINE_ID_MODULES.has(imp.source)) return 'machine-id';
        if (imp && MAC_MODULES.has(imp.source)) return 'network';
        if (imp && stripNode(imp.source) === 'os' && imp.name === 'hostname') return 'hostname';
      }
      const s = stringArg(n);
      if (s !== null) {
        if (/^(readFileSync|readFile|exec|execSync|execFile|execFileSync|spawn|spawnSync|readdirSync|readdir)$/.test(name)) {
          if (MACHINE_ID.test(s)) return 'machine-id';
          if (SOFTWARE.test(s)) return 'software';
          if (NET_CMD.test(s)) return 'network';
        }
        if (argc === 1 && HELPER_ENV.test(s) && name !== 'require') return envKind(s);
        if (name === 'get' && argc === 1 && n.callee.type === 'MemberExpression') {
          // Deno.env.get('TZ') and similar env wrappers
          const o = n.callee.object;
          if (o.type === 'MemberExpression' && propName(o) === 'env') return envKind(s);
        }
      }
      return null;
    }
    default:
      return null;
  }
}

function unwrap(n: Node): Node {
  let x = n;
  while (x.type === 'ParenthesizedExpression' || x.type === 'ChainExpression' || x.type === 'AwaitExpression') x = x.type === 'AwaitExpression' ? x.argument : x.expression;
  return x;
}
export { unwrap };

/** Env var reads by name, for the telemetry switch rule: process.env.X or env["X"]. */
export function envReadName(n: Node, scope: Scope | null): string | null {
  if (n.type === 'MemberExpression' && isProcessEnv(n.object, scope)) return propName(n);
  return null;
}
