// Generic assignments: `password = …`, `API_KEY: …`, `.env` lines, Authorization headers and
// `curl -u user:pass`. No format to check, so judgement is by the name (what the identifier says)
// and the value (Shannon entropy, character mix, not a reference to another variable).
import { ASSIGN, VALUE_END, ci } from '../build.ts';
import { entropyFloor, shannon } from '../entropy.ts';
import { isDummyPassword, isPlaceholder, longestAscending } from '../placeholder.ts';
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
/** A dotted reference (`options.token`, `result.groups?.password`) or bare letters: in any value, quoted or not. */
const REFERENCE = /^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+$|^[A-Za-z_]+$/;
/** A property path with an index or wildcard step (`users[0].password`, `users.*.profile.apiKey`, `*.*.password`): a redaction path, a selector. */
const PROPERTY_PATH = /^(?:[A-Za-z_$][\w$]*|\*)(?:\.(?:[A-Za-z_$][\w$]*|\*)|\[(?:\d+|\*)\])*(?:\.\*|\[(?:\d+|\*)\])(?:\.(?:[A-Za-z_$][\w$]*|\*)|\[(?:\d+|\*)\])*$/;
/** Brackets and braces: code (`a[i]`, `{x}`) in an unquoted value. Parentheses are judged by `codeParens`. */
const BRACKETS = /[[\]{}]/;
/** A call, possibly chained (`getPassword(userId)`, `os.getenv("X").strip()`, `read()!`). */
const CALL = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\([^()]*\)(?:\.[A-Za-z_$][\w$]*(?:\([^()]*\))?)*!?$/;
const VERSION_LIKE = /^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$|^[a-z][\w-]*-v?\d+(?:\.\d+)+$/;
/** snake_case / kebab-case words (optionally ending in digits; `1h`, `5m` units between): identifiers, not secrets. */
const WORDS = /^[a-z]+\d*(?:[_-](?:[a-z]+\d*|\d{1,3}[a-z]{1,2}))+$/;
/** One part of an identifier: a word (`Token`, `TOKEN`, `base64`, `FTS5`), or a single lower-case letter first (`nToken`). */
const IDENT_PART = /^(?:[A-Z]?[a-z]{2,}|[A-Z]{2,})\d{0,3}$/;

/**
 * An identifier made of words: camelCase, PascalCase, snake_case or CONSTANT_CASE, at least two
 * words, with at most a trailing digit or `$1` (`writeFile2`, `base64Payload`, `ArrowToken$1`,
 * `FTS5_MAX_TOKEN_SIZE`, `nToken`). A random value almost never splits into such words.
 */
export function isIdentifier(v: string): boolean {
  if (v.length > 80 || !/^[A-Za-z_$][\w$]*$/.test(v)) return false;
  const core = v.replace(/(?:\$\d|\d)$/, '');
  const parts = core.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2').split(/[ _$]+/).filter((p) => p.length > 0);
  if (parts.length < 2) return false;
  return parts.every((p, i) => IDENT_PART.test(p) || (i === 0 && /^[a-z]$/.test(p)));
}

/** Parentheses in an unquoted value that make it code: unbalanced (`cD8(K` cut at a comma) or a call. */
function codeParens(v: string): boolean {
  let depth = 0;
  let any = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 40) {
      depth++;
      any = true;
    } else if (c === 41) {
      if (--depth < 0) return true;
      any = true;
    }
  }
  return any && (depth !== 0 || CALL.test(v));
}

/** Was the value written between quotes (`'…'`, `"…"`, `` `…` ``, also JSON-escaped `\"…\"`)? */
function quoted(ctx: MatchContext): boolean {
  let b = ctx.start - 1;
  const t = ctx.text;
  if (t.startsWith('base64:', ctx.start - 7)) b = ctx.start - 8;
  const q = t.charCodeAt(b);
  if (q !== 34 && q !== 39 && q !== 96) return false;
  const e = t.charCodeAt(ctx.end) === 92 ? ctx.end + 1 : ctx.end;
  return t.charCodeAt(e) === q;
}

/**
 * Operators of an expression in an unquoted value: `||`, `&&`, `??`, optional chaining, a
 * comparison (`==` but base64 padding), an arrow, an empty call (`Date.now()`), or a value that
 * starts with `=` (the rest of `===`).
 */
const CODE_OPS = /\|\||&&|\?\?|\?\.|!==?|===|==(?!=*$)|=>|\(\)|^=/;
/** A parameter list or a parenthesised name: `(password) =>`, `(base64String)`. */
const PAREN_NAME = /^\(([A-Za-z_$][\w$]*)\)$/;

/** A name, dotted reference or call (after a unary `+`/`!`): one operand of an expression. */
const operand = (p: string): boolean => {
  const q = p.replace(/^[+!]+/, '');
  return REFERENCE.test(q) || CALL.test(q) || isIdentifier(q);
};

/**
 * Code, not data: a reference, an identifier, or (unquoted) brackets, calls and expressions:
 * `K.url.password||void`, `z.cache_read_input_tokens??0`, `+q.tokenRatio.toFixed(3)`,
 * `(base64String)`, chained assignments and sums of references (`A=aV9(q.logger)`,
 * `vw.auth=vw.DefaultTransporter=void`, `q.a.b_tokens+K.a.b_tokens`) as minified code has them;
 * in any value, a property path with an index or wildcard (`users[0].password`).
 */
function codeValue(v: string, ctx: MatchContext): boolean {
  // PROPERTY_PATH needs a `[` or `*` step: tested only then (most values have neither).
  if (REFERENCE.test(v) || isIdentifier(v) || ((v.includes('[') || v.includes('*')) && PROPERTY_PATH.test(v))) return true;
  if (quoted(ctx)) return false;
  if (BRACKETS.test(v) || codeParens(v) || CODE_OPS.test(v) || operand(v)) return true;
  const p = PAREN_NAME.exec(v);
  if (p !== null) return REFERENCE.test(p[1]!) || isIdentifier(p[1]!);
  // `a=b=c`, `a.b+c.d`: every part a name, reference or call, one of them dotted or a call (base64
  // padding is no part: `abc==` has one).
  const parts = v.split(/[=+]/).filter((x) => x.length > 0);
  return parts.length >= 2 && parts.some((x) => /[.(]/.test(x)) && parts.every((x) => operand(x) || x === 'void');
}

/** The password keyword that starts the match, longest first. */
function passwordWord(ctx: MatchContext): string {
  const head = ctx.text.slice(ctx.matchStart, ctx.matchStart + 10).toLowerCase();
  for (const w of ['passphrase', 'password', 'passwd', 'pwd', 'pass']) if (head.startsWith(w)) return w;
  return '';
}

/** Characters that may precede a bare `pass` key: start, space, quote, `{`, `(`, `,`, `;`, `[`, `&`, `?`, `-`. */
const PASS_BEFORE = /[\s'"`{(,;[&?-]/;

/**
 * The name holds a password. password / passwd / pwd / passphrase must be a word of the name or
 * end one (`DB_PASSWORD`, `dbPassword`, `MYSQLPWD`, not `passwordless`, `PASSIVE`); `pass` only as
 * the whole key, assigned with `=` (or with `:` when the key is quoted or begins its line, as
 * in YAML), not `--- PASS: TestName` or `Shape pass: …`. The shell's working directory (`PWD`,
 * `OLDPWD`) is not a password.
 */
function passwordName(ctx: MatchContext): boolean {
  const kw = passwordWord(ctx);
  const t = ctx.text;
  const id = identifierAt(t, ctx.matchStart);
  if (id === 'PWD' || id === 'OLDPWD') return false;
  if (kw === 'pass') {
    if (id.toLowerCase() !== 'pass') return false;
    const prev = ctx.matchStart > 0 ? t[ctx.matchStart - 1]! : '\n';
    if (!PASS_BEFORE.test(prev)) return false;
    const after = t.slice(ctx.matchStart + 4, ctx.start);
    if (after.includes('=')) return true;
    // A quoted key (`"pass": …`, JSON-escaped `\"pass\": …`): the same quote closes it (not a
    // Markdown code span, `` `PASS: t/x.test` ``).
    if (prev === '"' || prev === "'" || prev === '`') {
      const close = t[ctx.matchStart + 4] === '\\' ? t[ctx.matchStart + 5] : t[ctx.matchStart + 4];
      return close === prev;
    }
    // `:`: only a lower-case key that begins its line (YAML `pass: …`; `PASS: t/name.test` is a
    // test harness's report).
    const lineStart = t.lastIndexOf('\n', ctx.matchStart - 1) + 1;
    return t.startsWith('pass', ctx.matchStart) && /^[ \t]*(?:- )?$/.test(t.slice(lineStart, ctx.matchStart));
  }
  return identifierWords(id).some((w) => w === kw || (w.endsWith(kw) && w !== 'oldpwd'));
}

function nameOk(ctx: MatchContext): boolean {
  // The keyword must start a word or a camelCase part: 'accessToken' yes, 'jsonwebtoken' no.
  const prev = ctx.text.charCodeAt(ctx.matchStart - 1);
  const first = ctx.text.charCodeAt(ctx.matchStart);
  if (prev >= 97 && prev <= 122 && first >= 97 && first <= 122) return false;
  const words = identifierWords(identifierAt(ctx.text, ctx.matchStart));
  if (words.length === 0) return true;
  if (META_LAST.has(words[words.length - 1]!) || META_FIRST.has(words[0]!)) return false;
  // The WebSocket handshake's nonce (`Sec-WebSocket-Key`), public by design.
  if (words.length === 3 && words[0] === 'sec' && words[1] === 'websocket') return false;
  return !words.some((w) => META_ANY.has(w));
}

/** A value worth reporting under a generic name. */
function secretValue(v: string, ctx: MatchContext): number | false {
  // Value tests first: they are cheaper than splitting the name, and reject most candidates in code.
  const uuid = UUID_RE.test(v);
  if (HOSTNAME.test(v) || (!uuid && RESOURCE_NAME.test(v)) || VERSION_LIKE.test(v) || WORDS.test(v) || codeValue(v, ctx)) return false;
  if (!nameOk(ctx)) return false;
  if (!uuid && !hasLetterAndDigit(v)) return false;
  // Keyboard-sequence test values ('123456789012', 'abcdefgh'): real random values rarely have
  // an ascending run of 7 (probability well below 1e-6 per position).
  if (longestAscending(v) >= 7) return false;
  const h = shannon(v);
  if (h < entropyFloor(v.length)) return false;
  return Math.min(0.8, 0.45 + (h - 3) * 0.15);
}

/** Capitalised words joined by hyphens: a header name or a PowerShell command (`Cache-Control`, `Get-Location`). */
const TITLE_WORDS = /^[A-Z][a-z]+(?:-[A-Z][a-z]+)+$/;

/**
 * A value that can be a password: letters with a digit or symbol, some entropy; not a header
 * name or command (`Get-Location`), not a made-up one that says what it is (`db-password`,
 * `somepassword`: isDummyPassword).
 */
export function passwordLike(v: string): boolean {
  if (HOSTNAME.test(v) || VERSION_LIKE.test(v)) return false;
  // Needs a letter and a digit or symbol; a bare word is a variable name or a prompt string.
  if (!/[A-Za-z]/.test(v) && !/^\d{8,}$/.test(v)) return false;
  if (/^[A-Za-z]+$/.test(v) || TITLE_WORDS.test(v)) return false;
  return shannon(v) >= 2.3 && !isDummyPassword(v);
}

function passwordValue(v: string, ctx: MatchContext): number | false {
  // A string shown in a code span (`` `"admin"` ``): the string inside is the value.
  const inner = /^(["'])(.*)\1$/.exec(v);
  if (inner !== null && (isPlaceholder(inner[2]!) || !passwordLike(inner[2]!))) return false;
  if (codeValue(v, ctx) || !passwordLike(v)) return false;
  if (!nameOk(ctx) || !passwordName(ctx)) return false;
  return 0.7;
}

const VALUE = "[A-Za-z0-9_+/=.~!@#$%^&*?|()-]{10,512}";

/**
 * The value after ASSIGN, as group 1: a quoted value is taken whole, to its closing quote, else an
 * unquoted one of class `unq` (never right after a quote) that ends at VALUE_END. Inside quotes,
 * `unq` too when it lists what a value may hold (`[A-Za-z…]`, so that `"mongodb://host/db"` is not
 * a token), or, when it lists what it may not (`[^…]`, passwords), anything but spaces, that quote
 * and `\` (`'k9(Lm2#Qx7vR'`, `"k9,Lm2;Qx7vR"`). A quote right after another one opens no value (in
 * `q.password="",q.hash=""` the text between two strings is not one). Laravel's `base64:` marker before either is skipped,
 * and so is a parenthesis (maybe then a line break) before a quoted value: Python's way to split a
 * long literal, `KEY = (⏎ "abc…"⏎ "def…"⏎)`, whose further parts secrets/wrapped.ts follows.
 */
function valueGroup(unq: string, len: string): string {
  const any = unq.startsWith('[^');
  const q = (c: string, cls: string): string => `(?<=(?<!['"\\x60])${c}(?:base64:)?)${any ? cls : unq}{${len}}(?=\\\\?${c}|\\\\\\r?\\n)`;
  return `(?:\\([ \\t]*(?:\\r?\\n[ \\t]*)?['"\\x60])?(?:base64:)?(${q("'", "[^\\s'\\\\]")}|${q('"', '[^\\s"\\\\]')}|${q('\\x60', '[^\\s\\x60\\\\]')}|(?<![\\\\'"\\x60])${unq}{${len}}${VALUE_END})`;
}

function generic(id: string, description: string, names: string[], value = VALUE): SecretRule {
  const m = /^(\[.*\])\{(\d+,\d+)\}$/.exec(value)!;
  return {
    id,
    description,
    severity: 'medium',
    keywords: names,
    regex: new RegExp(`(?:${names.map(ci).join('|')})[\\w.-]{0,30}?${ASSIGN}${valueGroup(m[1]!, m[2]!)}`),
    secretGroup: 1,
    mode: 'anchor',
    precheck: 'assign',
    generic: true,
    wraps: true,
    confidence: 0.6,
    validate: secretValue,
  };
}

/** A dotted code path of short segments, maybe followed by `+` (`request.headers.authorization`, `K.token_type+`). */
const CODE_PATH = /^[A-Za-z_$][\w$]{0,39}(?:\.[A-Za-z_$][\w$]{0,39})+\+?$/;

/** The rest of one command: no line end, `;`, `|` or `&&` (a `\`-newline continues it). */
const CMD = String.raw`(?:[^\n;|&\\]|\\\r?\n|\\|&(?![&\s]))`;
/** A flag's value: quoted (span inside the quotes) or a bare word; never another flag. */
const FLAG_VALUE = String.raw`(?!-)['"]?((?<=')[^'\n]{4,128}(?=')|(?<=")[^"\n]{4,128}(?=")|(?<!['"])[^\s'"\\;|&()]{4,128})`;

/**
 * Password flags of well-known clients, the tool named in the same command: registry logins
 * (`docker login -p`, `--password`), `sshpass -p`, the MongoDB shell and tools (`-p`, `--password`),
 * MySQL / MariaDB clients (`-pSECRET` joined, `--password=`: a separate word after `-p` is the
 * database), `redis-cli -a` / `--pass`, OpenLDAP tools' `-w`. Other tools' `-p` (ports) is not read.
 */
const CLI_PASSWORD = new RegExp(
  String.raw`(?<![\w.-])(?:` +
    String.raw`(?:docker|podman|nerdctl)[ \t]+(?:${CMD}{0,120}?[ \t])?login\b${CMD}{0,300}?[ \t](?:-p|--password)(?:[ \t]+|=)` +
    String.raw`|sshpass\b${CMD}{0,300}?[ \t]-p[ \t]*` +
    String.raw`|mongo(?:sh|dump|restore|export|import|stat|top|files)?\b${CMD}{0,300}?[ \t](?:-p|--password)(?:[ \t]+|=)` +
    String.raw`|(?:mysql(?:dump|admin|import|show|check|slap|pump|sh)?|mariadb(?:-?dump|-?admin)?)\b${CMD}{0,300}?[ \t](?:-p|--password=)` +
    String.raw`|redis-cli\b${CMD}{0,300}?[ \t](?:-a|--pass)[ \t]+` +
    String.raw`|ldap(?:search|modify|add|delete|passwd|whoami)\b${CMD}{0,300}?[ \t]-w[ \t]+` +
    `)${FLAG_VALUE}`,
);

/**
 * A .netrc entry (`machine HOST login USER password PASS`, tokens separated by spaces, tabs or
 * line ends, so one line or one per line): `machine` and a host, then `login`/`account`/`port`
 * pairs (at least one), then `password` and its value (quoted: inside the quotes).
 */
const NETRC_PASSWORD = new RegExp(
  String.raw`(?<![\w.-])machine[ \t\r\n]+[A-Za-z0-9][A-Za-z0-9.:_-]{0,253}` +
    String.raw`(?:[ \t\r\n]+(?:login|account|port)[ \t\r\n]+[^\s]{1,200}){1,3}` +
    String.raw`[ \t\r\n]+password[ \t\r\n]+"?((?<=")[^"\n]{1,128}(?=")|(?<!")[^\s"]{1,128})`,
);

/**
 * A string literal argument, its text as group 1 (no escape, no line end inside). Python's r/b/u
 * prefixes and C#'s @ may open it; f and $ may not: an interpolated string is not a literal.
 */
const STR_ARG = String.raw`(?:[rRbBuU]|@)?["']((?<=")[^"\\\n]{1,128}(?=")|(?<=')[^'\\\n]{1,128}(?='))["']`;
/**
 * The user name argument before a password: a string literal, or a name, attribute, subscript or
 * call (`user`, `cfg.user`, `os.environ["API_USER"]`, `os.getenv("API_USER")`). The password after
 * it must be a literal (STR_ARG); `(user, password)` and `os.environ[…]` are never taken.
 */
const USER_ARG = String.raw`(?:[rRbBuU@]?"[^"\\\n]{0,128}"|[rRbBuU@]?'[^'\\\n]{0,128}'|[A-Za-z_$][\w$.]{0,80}(?:\([^()\n]{0,80}\)|\[[^[\]\n]{0,80}\])?)`;

/** A whole string literal "Bearer …" (also f"…", $"…", `…`): an Authorization header's value, whatever it is assigned to. */
const BEARER_LITERAL = /(?<=["'`])(?:Bearer|bearer|BEARER)[ \t]+([A-Za-z0-9._~+/=-]{16,4096})(?=\\?["'`])/;

/** A token after a scheme (Bearer …): 16+ token characters, a letter and a digit, entropy ≥ 3; not a code path or an identifier. */
function schemeToken(v: string): number | false {
  if (!/^[A-Za-z0-9._~+/=-]{16,4096}$/.test(v) || CODE_PATH.test(v) || isIdentifier(v) || !hasLetterAndDigit(v)) return false;
  return shannon(v) >= 3 ? 0.8 : false;
}

/**
 * .NET `new AuthenticationHeaderValue("<scheme>", …)`: the scheme (group 1), then the credential
 * (group 2): a string literal (`"<token>"`, Basic's `"<base64 of user:password>"`; `@"…"`, never
 * `$"…"`), or Basic's `Convert.ToBase64String(Encoding.X.GetBytes("user:password"))`, whose
 * password is the secret.
 */
const AUTH_HEADER_VALUE = new RegExp(
  String.raw`${ci('authenticationheadervalue')}\(\s{0,60}@?"([A-Za-z][A-Za-z0-9-]{0,30})"\s{0,60},\s{0,60}` +
    String.raw`(?:@?"|Convert\.ToBase64String\(\s{0,60}(?:System\.Text\.)?Encoding\.[A-Za-z0-9]{1,12}\.GetBytes\(\s{0,60}@?"[^"\\\n:]{0,128}:)` +
    String.raw`([^"\\\n]{1,4096})"(?=\s{0,60}\))`,
);

/**
 * `x.login("user", "password")`: Python smtplib / ftplib / imaplib, and any client's or test's
 * login with two positional arguments, the second a string literal (STR_ARG). The user is a
 * literal without spaces (not a message) or a name, attribute, subscript or call.
 */
const LOGIN_CALL = new RegExp(
  String.raw`\.${ci('login')}\(\s{0,20}(?:[rRbBuU]?"[^"\\\s]{1,128}"|[rRbBuU]?'[^'\\\s]{1,128}'|[A-Za-z_$][\w$.]{0,80}(?:\([^()\n]{0,80}\)|\[[^[\]\n]{0,80}\])?)` +
    String.raw`\s{0,20},\s{0,20}${STR_ARG}(?=\s{0,20}\))`,
);
/** An e-mail address, or one cut after `@`: anonymous FTP's password by convention. */
const EMAIL_LIKE = /^[\w.+-]*@(?:(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})?$/;
/** Google's app passwords: 16 lower-case letters, shown in groups of four. */
const APP_PASSWORD = /^[a-z]{4}(?: ?[a-z]{4}){3}$/;

function loginPassword(v: string, ctx: MatchContext): number | false {
  const user = /^\.login\(\s*[rRbBuU]?(["'])(.*?)\1/i.exec(ctx.match)?.[2];
  if (user !== undefined && (/^(?:anonymous|ftp)$/i.test(user) || user === v)) return false;
  if (EMAIL_LIKE.test(v) || isDummyPassword(v)) return false;
  if (APP_PASSWORD.test(v)) return shannon(v.replace(/ /g, '')) >= 3.3 ? 0.8 : false;
  // Otherwise no spaces: a phrase is a message, not a password.
  return !/\s/.test(v) && passwordLike(v) ? 0.8 : false;
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
    regex: new RegExp(`${ci('key')}${ASSIGN}${valueGroup('[A-Za-z0-9_+/=.~-]', '20,512')}`),
    validate: (v, ctx) => {
      const c = secretValue(v, ctx);
      return c !== false && shannon(v) >= 4 ? c : false;
    },
  },
  {
    id: 'http-authorization-header', description: 'Credential in an HTTP Authorization header', severity: 'high',
    keywords: ['authorization'], mode: 'anchor', secretGroup: 2, confidence: 0.85, precheck: 'assign', wraps: true,
    // The header's name, then `:`, `=`, `=>` (also after a closing quote and `]`: `headers["Authorization"] = …`)
    // or, between quoted strings, `,` (`headers.set("Authorization", "…")`, `.Add("Authorization", $"…")`;
    // never an unquoted value after `,`: `"Authorization",METADATA_HEADER_NAME:` is a list of names).
    // The value may open an interpolated or prefixed string (Python f/r/b, C# $ and @, a JavaScript
    // template): only a literal is taken, never `{token}` or `${token}` (no brace in the class).
    regex: /(?:[aA]uthorization|AUTHORIZATION)(?:["'`]?\]?[ \t]*(?:=>|[:=])[ \t]*(?:(?:[fFrRbBuU]{1,2}|\$@?|@\$?)?["'`])?|["'`][ \t]*,[ \t]*(?:[fFrRbBuU]{1,2}|\$@?|@\$?)?["'`])(?:(Bearer|Basic|Token|Digest|Api-Key|Api-Token|Bot|OAuth|SSWS|Key|bearer|basic|token)[ \t]+)?([A-Za-z0-9._~+/=@!%:-]{8,4096})(?=[\s'"`;,)}\]<>&|]|\\[nrt"']|\\\r?\n|$)/,
    validate: (v, ctx) => {
      const scheme = /(?:Basic|basic)[ \t]+[A-Za-z0-9+/=]+$/.test(ctx.match) ? 'basic' : 'other';
      if (scheme === 'basic') return basicCredentials(v);
      // Code that reads or passes a header, not a header: `request.headers.authorization`,
      // `checkAuthorization`, minified `K.token_type+" "+…`; words (a list of header names,
      // `"Authorization","Cache-Control"`, or a made-up `Bearer secret-token`).
      if (isPlaceholder(v) || CODE_PATH.test(v) || isIdentifier(v) || /^[A-Za-z_]+$|^[A-Za-z]+(?:[-_.][A-Za-z]+)+$/.test(v)) return false;
      return v.length >= 10 && shannon(v) >= 3 ? 0.85 : false;
    },
  },
  {
    // `auth_header = f"Bearer …"`, `bearer = "Bearer …"`: no Authorization name in front, but the
    // literal is a header value. A reference (`f"Bearer {token}"`, `` `Bearer ${token}` ``) has a brace.
    id: 'bearer-token-literal', description: 'Bearer token written as a whole string literal ("Bearer …", f"Bearer …", `Bearer …`)', severity: 'high',
    keywords: ['bearer'], mode: 'anchor', secretGroup: 1, confidence: 0.8, regex: BEARER_LITERAL,
    validate: schemeToken,
  },
  {
    // requests / httpx: `auth=("user", "…")`, `session.auth = (user, "…")`, `{"auth": (…)}`. Only
    // a name that ends in `auth` (not `author = (…)`), assigned, not compared.
    id: 'http-auth-tuple-password', description: 'Password of a (user, password) auth tuple in code (Python requests / httpx auth=("user", "…"))', severity: 'high',
    keywords: ['auth'], mode: 'anchor', secretGroup: 1, confidence: 0.8, precheck: 'assign',
    regex: new RegExp(String.raw`${ci('auth')}["']?\s{0,5}[:=](?!=)\s{0,5}\(\s{0,20}${USER_ARG}\s{0,20},\s{0,20}${STR_ARG}(?=\s{0,20},?\s{0,20}\))`),
    validate: (v) => (passwordLike(v) ? 0.8 : false),
  },
  {
    // The second positional argument; a third (.NET's domain, Spring's authorities) may follow.
    // Java's char[] form (`"…".toCharArray()`) too. Go's `req.SetBasicAuth(…)` ends in `BasicAuth(`.
    // Keyword arguments (`password="…"`, `password: "…"`) are generic-password's.
    id: 'auth-constructor-password',
    description: 'Password argument of a credential constructor (Python HTTPBasicAuth / HTTPDigestAuth / HTTPProxyAuth, httpx / aiohttp BasicAuth, Go SetBasicAuth, .NET NetworkCredential, Java UsernamePasswordCredentials / PasswordAuthentication / Spring UsernamePasswordAuthenticationToken)',
    severity: 'high',
    keywords: ['basicauth(', 'digestauth(', 'proxyauth(', 'networkcredential(', 'usernamepasswordcredentials(', 'passwordauthentication(', 'usernamepasswordauthenticationtoken('],
    mode: 'anchor', secretGroup: 1, confidence: 0.8,
    regex: new RegExp(
      String.raw`(?:(?:${ci('basic')}|${ci('digest')}|${ci('proxy')})?${ci('auth')}|${ci('networkcredential')}|${ci('usernamepasswordcredentials')}|${ci('passwordauthentication')}|${ci('usernamepasswordauthenticationtoken')})` +
        String.raw`\(\s{0,20}${USER_ARG}\s{0,20},\s{0,20}${STR_ARG}(?=(?:\.toCharArray\(\))?\s{0,20}[,)])`,
    ),
    validate: (v) => (passwordLike(v) ? 0.8 : false),
  },
  {
    id: 'auth-header-value-credential',
    description: 'Credential argument of .NET new AuthenticationHeaderValue(scheme, "…"): a Bearer or other token, Basic base64 of user:password, or the password in Convert.ToBase64String(…GetBytes("user:password"))',
    severity: 'high', keywords: ['authenticationheadervalue('], mode: 'anchor', secretGroup: 2, confidence: 0.8, regex: AUTH_HEADER_VALUE,
    validate: (v, ctx) => {
      const basic = /^[^"]*"basic"/i.test(ctx.match);
      if (ctx.match.includes('GetBytes(')) return basic && passwordLike(v) ? 0.8 : false;
      return basic ? basicCredentials(v) : schemeToken(v);
    },
  },
  {
    id: 'login-call-password', description: 'Password argument of a login("user", "…") call (Python smtplib / ftplib / imaplib, client and test code)', severity: 'high',
    keywords: ['.login('], mode: 'anchor', secretGroup: 1, confidence: 0.8, regex: LOGIN_CALL, validate: loginPassword,
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
  {
    id: 'cli-password-flag', description: 'Password flag of a database, registry or SSH client command (docker login -p, mysql -p…, redis-cli -a, sshpass -p)', severity: 'high',
    keywords: ['docker', 'podman', 'nerdctl', 'sshpass', 'mongo', 'mysql', 'mariadb', 'redis-cli', 'ldapsearch', 'ldapmodify', 'ldapadd', 'ldapdelete', 'ldappasswd', 'ldapwhoami'],
    mode: 'anchor', secretGroup: 1, confidence: 0.8, regex: CLI_PASSWORD,
    validate: (v) => (passwordLike(v) ? 0.8 : false),
  },
  {
    id: 'netrc-password', description: 'Password of a .netrc entry (machine … login … password …, on one line or several)', severity: 'high',
    keywords: ['machine'], mode: 'anchor', secretGroup: 1, confidence: 0.85, regex: NETRC_PASSWORD,
    validate: (v) => (passwordLike(v) ? 0.85 : false),
  },
];
