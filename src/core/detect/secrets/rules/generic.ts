// Generic assignments: `password = …`, `API_KEY: …`, `.env` lines, Authorization headers and
// `curl -u user:pass`. No format to check, so judgement is by the name (what the identifier says)
// and the value (Shannon entropy, character mix, not a reference to another variable).
import { ASSIGN, VALUE_END, ci } from '../build.ts';
import { entropyFloor, shannon } from '../entropy.ts';
import { isPlaceholder, longestAscending } from '../placeholder.ts';
import type { MatchContext, SecretRule } from '../types.ts';
import { basicCredentials, hasLetterAndDigit } from '../validators.ts';

/** Words of an identifier that say it holds metadata about a secret, not the secret. */
const META_LAST = new Set(('id ids name names url uri urls file files path paths dir type types size length len count version ' +
  'format prefix suffix header headers field fields param params endpoint policy ttl expiry expires expiration time timeout ' +
  'mode enabled label description hint ref arn location provider store vault manager source env var kind scope scopes ' +
  'rotation hash algorithm alg encoding template regex pattern question placeholder at in').split(' '));
const META_FIRST = new Set('public pub next page cursor continuation sync max min num is has use enable show get set with no'.split(' '));
const META_ANY = new Set(['csrf', 'xsrf', 'public']);

/** [\w.-] */
const isIdentUnit = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;

/** The identifier the matched keyword belongs to (scan over [\w.-] around the match start). */
export function identifierAt(text: string, at: number): string {
  let a = at;
  while (a > 0 && isIdentUnit(text.charCodeAt(a - 1))) a--;
  let b = at;
  while (b < text.length && isIdentUnit(text.charCodeAt(b))) b++;
  const id = text.slice(a, b);
  // For dotted paths ("spring.datasource.password") judge the last component.
  const dot = id.lastIndexOf('.');
  return dot >= 0 && dot < id.length - 1 ? id.slice(dot + 1) : id;
}

/** 'csrfTokenHeader' → ['csrf', 'token', 'header']. */
export function identifierWords(id: string): string[] {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[_.-]+/).filter((w) => w.length > 0);
}

const HOSTNAME = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,10}(?::\d+)?$/i;
const RESOURCE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE_LIKE = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$|[()[\]{}]|^[A-Za-z_]+$/;
const VERSION_LIKE = /^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$|^[a-z][\w-]*-v?\d+(?:\.\d+)+$/;
/** snake_case / kebab-case words (optionally ending in digits): identifiers, not secrets. */
const WORDS = /^[a-z]+\d*(?:[_-][a-z]+\d*)+$/;

function nameOk(ctx: MatchContext): boolean {
  // The keyword must start a word or a camelCase part: 'accessToken' yes, 'jsonwebtoken' no.
  const prev = ctx.text.charCodeAt(ctx.matchStart - 1);
  const first = ctx.text.charCodeAt(ctx.matchStart);
  if (prev >= 97 && prev <= 122 && first >= 97 && first <= 122) return false;
  const words = identifierWords(identifierAt(ctx.text, ctx.matchStart));
  if (words.length === 0) return true;
  if (META_LAST.has(words[words.length - 1]!) || META_FIRST.has(words[0]!)) return false;
  return !words.some((w) => META_ANY.has(w));
}

/** A value worth reporting under a generic name. */
function secretValue(v: string, ctx: MatchContext): number | false {
  // Value tests first: they are cheaper than splitting the name, and reject most candidates in code.
  const uuid = UUID_RE.test(v);
  if (HOSTNAME.test(v) || (!uuid && RESOURCE_NAME.test(v)) || CODE_LIKE.test(v) || VERSION_LIKE.test(v) || WORDS.test(v)) return false;
  if (!nameOk(ctx)) return false;
  if (!uuid && !hasLetterAndDigit(v)) return false;
  // Keyboard-sequence test values ('123456789012', 'abcdefgh'): real random values rarely have
  // an ascending run of 7 (probability well below 1e-6 per position).
  if (longestAscending(v) >= 7) return false;
  const h = shannon(v);
  if (h < entropyFloor(v.length)) return false;
  return Math.min(0.8, 0.45 + (h - 3) * 0.15);
}

function passwordValue(v: string, ctx: MatchContext): number | false {
  if (CODE_LIKE.test(v) || HOSTNAME.test(v) || VERSION_LIKE.test(v)) return false;
  if (!nameOk(ctx)) return false;
  // Needs a letter and a digit or symbol; a bare word is a variable name or a prompt string.
  if (!/[A-Za-z]/.test(v) && !/^\d{8,}$/.test(v)) return false;
  if (/^[A-Za-z]+$/.test(v)) return false;
  return shannon(v) >= 2.3 ? 0.7 : false;
}

const VALUE = "[A-Za-z0-9_+/=.~!@#$%^&*?|-]{10,512}";

function generic(id: string, description: string, names: string[], value = VALUE): SecretRule {
  return {
    id,
    description,
    severity: 'medium',
    keywords: names,
    regex: new RegExp(`(?:${names.map(ci).join('|')})[\\w.-]{0,30}?${ASSIGN}(${value})${VALUE_END}`),
    secretGroup: 1,
    mode: 'anchor',
    precheck: 'assign',
    generic: true,
    confidence: 0.6,
    validate: secretValue,
  };
}

export const GENERIC_RULES: SecretRule[] = [
  {
    ...generic('generic-password', 'Password assigned in code or configuration', ['password', 'passwd', 'pwd', 'passphrase', 'pass'], "[^\\s'\"\\x60,;]{6,128}"),
    validate: passwordValue,
  },
  generic('generic-secret', 'High-entropy value assigned to a *secret* name', ['secret']),
  generic('generic-token', 'High-entropy value assigned to a *token* name', ['token']),
  generic('generic-api-key', 'High-entropy value assigned to an API-key name', [
    'api_key', 'apikey', 'api-key', 'api_token', 'apitoken', 'api-token', 'api_secret', 'apisecret', 'access_key', 'accesskey',
    'access-key', 'auth_key', 'authkey', 'private_key', 'privatekey', 'signing_key', 'encryption_key', 'master_key', 'secret_key',
  ]),
  generic('generic-credential', 'High-entropy value assigned to a credential / auth name', ['credential', 'creds', 'auth']),
  {
    // A bare `key = "…"` is too common to judge like the others: demand a long, random value.
    ...generic('generic-key', 'Long random value assigned to a name ending in *key*', ['key'], '[A-Za-z0-9_+/=.~-]{20,512}'),
    regex: new RegExp(`${ci('key')}${ASSIGN}([A-Za-z0-9_+/=.~-]{20,512})${VALUE_END}`),
    validate: (v, ctx) => {
      const c = secretValue(v, ctx);
      return c !== false && shannon(v) >= 4 ? c : false;
    },
  },
  {
    id: 'http-authorization-header', description: 'Credential in an HTTP Authorization header', severity: 'high',
    keywords: ['authorization'], mode: 'anchor', secretGroup: 2, confidence: 0.85, precheck: 'assign',
    regex: /(?:[aA]uthorization|AUTHORIZATION)["']?[ \t]*[:=][ \t]*["']?(?:(Bearer|Basic|Token|Digest|Api-Key|Api-Token|Bot|OAuth|SSWS|Key|bearer|basic|token)[ \t]+)?([A-Za-z0-9._~+/=@!%:-]{8,4096})(?=[\s'"`;,)}\]<>&|]|\\[nrt"']|$)/,
    validate: (v, ctx) => {
      const scheme = /(?:Basic|basic)[ \t]+[A-Za-z0-9+/=]+$/.test(ctx.match) ? 'basic' : 'other';
      if (scheme === 'basic') return basicCredentials(v);
      if (isPlaceholder(v)) return false;
      return v.length >= 10 && shannon(v) >= 3 ? 0.85 : false;
    },
  },
  {
    id: 'curl-user-password', description: 'Password passed to curl -u / --user', severity: 'high',
    keywords: ['curl'], mode: 'window', before: 0, after: 600, secretGroup: 1, confidence: 0.8,
    regex: /(?<=\s)(?:-u|--user)[ \t=]+((?:"[^"\n]{0,120}"|'[^'\n]{0,120}'|[^\s'"\\]{1,120}){1,4})/,
    validate: (word) => {
      const w = word.replace(/["']/g, '');
      const colon = w.indexOf(':');
      if (colon < 0) return false;
      const user = w.slice(0, colon);
      const pass = w.slice(colon + 1);
      const secret = pass.length > 0 ? pass : user;
      if (secret.length < 4 || isPlaceholder(secret) || /^\$|^\[|^\{\{|\$\{|\$\(/.test(secret)) return false;
      return shannon(secret) >= 2.5 ? 0.8 : false;
    },
  },
];
