// Placeholders and stopwords: values that have the shape of a credential but are documentation,
// templates or obvious test values. Reporting them would train users to ignore findings.

/** Lower-case substrings that mark a value as a placeholder wherever they occur in it. */
export const STOPWORDS: readonly string[] = [
  'example', 'placeholder', 'dummy', 'changeme', 'change_me', 'change-me', 'your_', 'your-',
  'yourkey', 'yoursecret', 'yourtoken', 'yourpassword', 'xxxx', '****', '....', '${', '{{', '}}',
  '%(', '$(', '<', '>', 'redacted', 'replace_me', 'replaceme', 'replace-me', 'insert_', 'insert-',
  'notreal', 'not_real', 'not-real', 'not_a_real', 'notarealkey', '_here', '-here', 'here_',
  'sample_', 'secret_value', '...', '\u2026', 'replace_with', 'replace-with', 'api_key_value', 'token_value', 'foobar', 'lorem',
];

// One case-insensitive alternation instead of ~50 includes() calls: this runs on every candidate.
const STOP_RE = new RegExp(STOPWORDS.map((w) => w.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'), 'i');

/** Values that are placeholders when they are the whole value (compared lower-case). */
const WHOLE: ReadonlySet<string> = new Set([
  'password', 'passwd', 'pass', 'pwd', 'secret', 'token', 'apikey', 'api_key', 'api-key', 'key',
  'null', 'none', 'nil', 'undefined', 'true', 'false', 'test', 'testing', 'default', 'admin',
  'root', 'user', 'username', 'guest', 'demo', 'string', 'value', 'empty', 'required', 'optional',
  'x-oauth-basic', 'hunter2', 'letmein', 'qwerty', 'abc123', 'password123', 'mypassword', 'mysecret', 'yourpassword', 'mytoken', 'pa$$word', 'p@ssw0rd',
]);

/**
 * Published example values that are not placeholder-shaped: jwt.io's example tokens, exactly.
 * Documentation, like AWS's EXAMPLE keys.
 */
const KNOWN_EXAMPLES: ReadonlySet<string> = new Set([
  // jwt.io, HS256: {"sub":"1234567890","name":"John Doe","iat":1516239022}
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  // jwt.io, HS256, older: {"sub":"1234567890","name":"John Doe","admin":true}
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ',
]);

/** Is the value a published example value (KNOWN_EXAMPLES)? */
export function isKnownExample(value: string): boolean {
  return value.length > 100 && KNOWN_EXAMPLES.has(value);
}

/** Template and variable syntaxes: ${X}, {{ x }}, <your-key>, %X%, $X, process.env.X, os.environ. */
const TEMPLATE =
  /^(?:\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\}|\{[A-Za-z_][A-Za-z_.-]*\}|\$\d|<[^<>]+>|%[A-Za-z_]\w*%|\$[A-Za-z_]\w*|\[[A-Za-z_ -]+\])$/;
const ENV_REF =
  /^(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|env\.|ENV\[|System\.getenv|secrets\.|vars\.|config\.|settings\.|self\.|this\.|Deno\.env)/i;

/**
 * How many distinct characters (code points, as `new Set(s).size` counts them); an ASCII string is
 * counted in a 128-bit set, without allocation. Stops counting past 4 (callers ask about ≤ 3).
 */
function distinct(s: string): number {
  let lo = 0, mid = 0, hi = 0, top = 0, count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return new Set(s).size;
    const bit = 1 << (c & 31);
    const w = c >> 5;
    const had = w === 0 ? lo & bit : w === 1 ? mid & bit : w === 2 ? hi & bit : top & bit;
    if (had !== 0) continue;
    if (w === 0) lo |= bit;
    else if (w === 1) mid |= bit;
    else if (w === 2) hi |= bit;
    else top |= bit;
    if (++count > 4) return count;
  }
  return count;
}

/** Longest run of one repeated character. */
function longestRun(s: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    run = i > 0 && s.charCodeAt(i) === s.charCodeAt(i - 1) ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** Longest run of consecutive ascending code points ('3456789' = 7). */
export function longestAscending(s: string): number {
  let best = s.length > 0 ? 1 : 0;
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = s.charCodeAt(i) - s.charCodeAt(i - 1) === 1 ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** True if `s` is one ascending/descending run ('abcdef', '0123456789') or a short unit repeated. */
function isSequenceOrRepeat(s: string): boolean {
  if (s.length < 6) return false;
  let asc = true;
  let desc = true;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1);
    if (d !== 1 && !(d === -9 && s[i] === '0')) asc = false; // '...89' then '0' continues a digit run
    if (d !== -1) desc = false;
  }
  if (asc || desc) return true;
  for (let p = 1; p <= 4; p++) {
    if (s.length < p * 3) break;
    let rep = true;
    for (let i = p; i < s.length; i++) {
      if (s[i] !== s[i - p]) {
        rep = false;
        break;
      }
    }
    if (rep) return true;
  }
  return false;
}

/**
 * Is this value a placeholder? `value` is the secret; `prefix` (already stripped by the caller) is
 * never judged, so 'sk_live_' + 24 × 'A' is caught by the repeat check on the tail.
 */
export function isPlaceholder(value: string): boolean {
  if (value.length === 0) return true;
  const lower = value.toLowerCase();
  if (WHOLE.has(lower)) return true;
  if (STOP_RE.test(value)) return true;
  if (TEMPLATE.test(value) || ENV_REF.test(value) || isKnownExample(value)) return true;
  const core = value.replace(/[-_.:/+=~]/g, '');
  if (core.length === 0) return true;
  if (core.length >= 3 && distinct(core) === 1) return true;
  if (core.length >= 8 && longestRun(core) >= Math.max(8, core.length * 0.5)) return true;
  if (longestAscending(value) >= 16) return true; // 'abcdefghijklmnopqrstuvwxyz', '0123456789abcdef'
  if (isSequenceOrRepeat(core)) return true;
  // Very few distinct characters for its length: 'aaaabbbbaaaabbbb', '0000-0000-0000'.
  if (core.length >= 12 && distinct(core) <= 3) return true;
  return false;
}

/** Words a made-up password is written in: 'somepassword', 'db-password', 'secret-2-levels'. */
const DUMMY_WORDS: ReadonlySet<string> = new Set(
  ('secret secrets password passwords passwd pass pwd pw word my your our some the test testing tester demo dummy fake mock sample ' +
    'real super top very another other wrong bad invalid valid correct incorrect new old default value level levels user admin root db').split(' '),
);
/** Lower-case words joined by `-`/`_` (or not), numbers as parts of their own. */
const DUMMY_SHAPE = /^[a-z]+(?:[-_](?:[a-z]+|\d+))*$/;
/** At least one of these must be among the words: the value says that it is a password. */
const DUMMY_MARKS: ReadonlySet<string> = new Set(['secret', 'secrets', 'password', 'passwords', 'passwd', 'pass', 'pwd', 'pw']);

/**
 * A password that describes itself: lower-case words of DUMMY_WORDS, one of them secret /
 * password / pass / pwd / pw, maybe joined by `-` or `_`, with numbers only as parts of their own:
 * somepassword, db-password, secret-value, real-secret-6-levels. Documentation and test data,
 * not credentials; a random password never splits into such words. Not decided here: a word with
 * a digit or symbol attached, or capitals (secret123, Password1$, MySecretPass123!), which
 * labelled corpora count as weak real passwords.
 */
export function isDummyPassword(v: string): boolean {
  if (v.length > 40 || !DUMMY_SHAPE.test(v)) return false;
  const runs = v.match(/[a-z]+/g);
  if (runs === null) return false;
  let marked = false;
  for (const run of runs) {
    // ok[i]: run[0..i) splits into words; mark[i]: some such split holds a mark.
    const ok = new Uint8Array(run.length + 1);
    const mark = new Uint8Array(run.length + 1);
    ok[0] = 1;
    for (let i = 1; i <= run.length; i++) {
      for (let j = Math.max(0, i - 9); j < i; j++) {
        if (ok[j] === 0) continue;
        const w = run.slice(j, i);
        if (!DUMMY_WORDS.has(w)) continue;
        ok[i] = 1;
        if (mark[j] === 1 || DUMMY_MARKS.has(w)) mark[i] = 1;
      }
    }
    if (ok[run.length] === 0) return false;
    if (mark[run.length] === 1) marked = true;
  }
  return marked;
}

/** Matches a user-supplied allow entry: exact string, or 're:<regex source>'. */
export function compileAllow(entries: readonly string[] | undefined): ((v: string) => boolean) | null {
  if (entries === undefined || entries.length === 0) return null;
  const exact = new Set<string>();
  const res: RegExp[] = [];
  for (const e of entries) {
    if (e.startsWith('re:')) {
      try {
        res.push(new RegExp(e.slice(3)));
      } catch {
        // An invalid pattern allows nothing; detect() must not throw on configuration.
      }
    } else exact.add(e);
  }
  return (v) => exact.has(v) || res.some((r) => r.test(v));
}
