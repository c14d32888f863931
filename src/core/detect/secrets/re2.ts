// Go RE2 syntax → JavaScript RegExp source. RE2 is (almost) a subset of what V8 accepts, but the
// spelling differs: inline flags, named groups, POSIX classes, \Q…\E, \z. Constructs with no JS
// equivalent are reported, never silently dropped, so an import lists what it could not take.
//
// Scoped flags: JS (Node 20) has no inline modifiers, so `(?i)` in the middle of a pattern and
// `(?i:…)` are applied by case-folding the literals in their scope (`a` → `[aA]`, `[a-f]` →
// `[a-fA-F]`). `(?i)` at the very start becomes the `i` flag, unless the pattern turns it off
// somewhere (`(?-i:…)`): then the whole pattern is folded and that scope is not; `(?s)`/`(?m)`
// become flags.

import { escapeRegExp } from '../../text.ts';

export type Translation = { source: string; flags: string } | { error: string };

const POSIX: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~', graph: '!-~', ascii: '\\x00-\\x7f',
};

/** The other case of a letter, when it is one character that maps back (not ß → SS, not ǅ). */
function otherCase(ch: string): string | null {
  const o = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
  return o !== ch && o.length === 1 && (o.toLowerCase() === ch || o.toUpperCase() === ch) ? o : null;
}

const esc = (cp: number): string => `\\u${cp.toString(16).padStart(4, '0')}`;

/**
 * Adds the other case of every letter and letter range in a class body (no brackets): `a` → `aA`,
 * `a-f` → `a-fA-F`, a range across cases (`_-z`, `0-f`) gets the other case of the letters in it,
 * endpoints may be escapes (`\\x41-\\x5a`), and small non-ASCII ranges (`à-þ`) letter by letter.
 */
function foldClass(body: string): string {
  let extra = '';
  const unit = String.raw`\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.|.`;
  const re = new RegExp(`(${unit})-(${unit})|(${unit})`, 'gsu');
  const value = (t: string): number | null => {
    if (t.startsWith('\\x') || t.startsWith('\\u')) return parseInt(t.slice(2), 16);
    if (t.startsWith('\\')) return null; // \w, \d, \-…: no letter of its own
    return t.codePointAt(0)!;
  };
  for (const m of body.matchAll(re)) {
    if (m[1] !== undefined && m[2] !== undefined) {
      const lo = value(m[1]);
      const hi = value(m[2]);
      if (lo === null || hi === null || lo > hi) continue;
      // ASCII letters in the range, as ranges of the other case.
      const a = Math.max(lo, 0x61), z = Math.min(hi, 0x7a);
      if (a <= z) extra += `${esc(a - 32)}-${esc(z - 32)}`;
      const A = Math.max(lo, 0x41), Z = Math.min(hi, 0x5a);
      if (A <= Z) extra += `${esc(A + 32)}-${esc(Z + 32)}`;
      // Beyond ASCII, letter by letter while the range is small.
      if (hi > 0x7f && hi - lo <= 512) {
        for (let cp = Math.max(lo, 0x80); cp <= hi; cp++) {
          const o = otherCase(String.fromCodePoint(cp));
          if (o !== null) extra += esc(o.codePointAt(0)!);
        }
      }
    } else if (m[3] !== undefined) {
      const cp = value(m[3]);
      if (cp === null) continue;
      const o = otherCase(String.fromCodePoint(cp));
      if (o !== null) extra += esc(o.codePointAt(0)!);
    }
  }
  return body + extra;
}

export function translateRe2(src: string): Translation {
  let flags = '';
  let i = 0;
  // Leading flag group: (?i), (?s), (?is), (?m)…
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  // A case-insensitive pattern that turns it off somewhere (`(?-i:API)`, gitleaks' own rules do)
  // cannot use the i flag, which holds for the whole pattern: it is folded letter by letter instead.
  let foldAll = false;
  if (lead !== null) {
    if (lead[1]!.includes('U')) return { error: 'ungreedy flag (?U) has no JavaScript equivalent' };
    flags = [...new Set(lead[1]!)].join('');
    i = lead[0].length;
    if (flags.includes('i') && /\(\?[ims]*-[ms]*i/.test(src)) {
      flags = flags.replace('i', '');
      foldAll = true;
    }
  }
  let out = '';
  // Fold state per group depth: a mid-pattern (?i) lasts to the end of the enclosing group.
  const fold: boolean[] = [foldAll];
  const top = (): boolean => fold[fold.length - 1]!;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { error: 'trailing backslash' };
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? src.length : end);
        out += top() ? [...lit].map((ch) => { const o = otherCase(ch); return o !== null ? `[${ch}${o}]` : escapeRegExp(ch); }).join('') : escapeRegExp(lit);
        i = end < 0 ? src.length : end + 2;
        continue;
      }
      // A letter written in hex, in a case-insensitive scope: both cases.
      const hex = top() ? /^\\x([0-9a-fA-F]{2})/.exec(src.slice(i)) : null;
      const hexCh = hex === null ? '' : String.fromCharCode(parseInt(hex[1]!, 16));
      const hexOther = hex === null ? null : otherCase(hexCh);
      if (hexOther !== null) {
        out += `[${hexCh}${hexOther}]`;
        i += hex![0].length;
        continue;
      }
      if (n === 'z') out += '$(?![\\s\\S])';
      else if (n === 'A') out += '^';
      else if (n === 'C') return { error: '\\C (any byte) has no JavaScript equivalent' };
      else if (n === 'Z') return { error: '\\Z is not RE2 syntax' };
      else if (n === 'x' && src[i + 2] === '{') {
        const end = src.indexOf('}', i);
        const cp = parseInt(src.slice(i + 3, end), 16);
        if (!(cp <= 0xffff)) return { error: `code point escape ${src.slice(i, end + 1)} needs the u flag` };
        out += `\\u${cp.toString(16).padStart(4, '0')}`;
        i = end + 1;
        continue;
      } else if (n === 'p' || n === 'P') {
        const m = /^\\[pP](\{[^}]+\}|[A-Za-z])/.exec(src.slice(i));
        if (m === null) return { error: 'malformed \\p escape' };
        const name = m[1]!.startsWith('{') ? m[1]! : `{${m[1]}}`;
        out += `\\${n}${name}`;
        if (!flags.includes('u')) flags += 'u';
        i += m[0].length;
        continue;
      } else out += c + n;
      i += 2;
      continue;
    }
    if (c === '[') {
      // Copy the class, translating POSIX names; fold letters if in an (?i) scope.
      let j = i + 1;
      let body = '';
      if (src[j] === '^') {
        body += '^';
        j++;
      }
      if (src[j] === ']') {
        body += '\\]';
        j++;
      }
      while (j < src.length && src[j] !== ']') {
        if (src[j] === '[' && src[j + 1] === ':') {
          const end = src.indexOf(':]', j);
          const name = src.slice(j + 2, end);
          if (name.startsWith('^')) return { error: `negated POSIX class [:${name}:]` };
          const cls = POSIX[name];
          if (cls === undefined) return { error: `unknown POSIX class [:${name}:]` };
          body += cls;
          j = end + 2;
        } else if (src[j] === '\\') {
          body += src.slice(j, j + 2);
          j += 2;
        } else if (src[j] === '[') {
          body += '\\[';
          j++;
        } else body += src[j++];
      }
      if (j >= src.length) return { error: 'unterminated character class' };
      out += `[${top() ? foldClass(body) : body}]`;
      i = j + 1;
      continue;
    }
    if (c === '(') {
      const rest = src.slice(i);
      const named = /^\(\?P<([A-Za-z_]\w*)>/.exec(rest);
      if (named !== null) {
        out += `(?<${named[1]}>`;
        fold.push(top());
        i += named[0].length;
        continue;
      }
      // Flags set (before '-') and cleared (after it): `(?i)`, `(?-i)`, `(?s-i)`, and scoped `(?-i:…)`.
      const inline = /^\(\?([imsU]*)(?:-([imsU]*))?\)/.exec(rest);
      if (inline !== null && inline[0] !== '(?)') {
        const [on, off] = [inline[1]!, inline[2] ?? ''];
        if (on.includes('U') || off.includes('U')) return { error: 'ungreedy flag (?U) has no JavaScript equivalent' };
        if (/[sm]/.test(off)) return { error: `(?-${off}) turns off a flag for part of the pattern; JavaScript has no scoped s or m` };
        if (on.includes('s') && !flags.includes('s')) flags += 's'; // widened to the whole pattern (dot matches newline)
        if (on.includes('m') && !flags.includes('m')) flags += 'm';
        if (on.includes('i')) fold[fold.length - 1] = true;
        if (off.includes('i')) fold[fold.length - 1] = false;
        i += inline[0].length;
        continue;
      }
      const scoped = /^\(\?([ims]*)(?:-([ims]*))?:/.exec(rest);
      if (scoped !== null && scoped[0] !== '(?:') {
        const [on, off] = [scoped[1]!, scoped[2] ?? ''];
        if (/[sm]/.test(off)) return { error: `(?-${off}:…) turns off a flag for part of the pattern; JavaScript has no scoped s or m` };
        out += '(?:';
        fold.push(off.includes('i') ? false : on.includes('i') || top());
        if (on.includes('s') && !flags.includes('s')) flags += 's';
        i += scoped[0].length;
        continue;
      }
      if (rest.startsWith('(?P=')) return { error: 'named back-reference (?P=name) is not supported' };
      out += c;
      fold.push(top());
      i++;
      continue;
    }
    if (c === ')') {
      if (fold.length > 1) fold.pop();
      out += c;
      i++;
      continue;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && src[i + 1] === '+') {
      return { error: 'possessive quantifier is not supported' };
    }
    const o = top() ? otherCase(c) : null;
    out += o !== null ? `[${c}${o}]` : c === '/' ? '\\/' : c;
    i++;
  }
  if (flags.includes('i')) flags = flags.replace('i', '') + 'i';
  try {
    new RegExp(out, flags);
  } catch (e) {
    return { error: `not a valid JavaScript regex after translation: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { source: out, flags };
}

/**
 * A repetition inside an unbounded repetition (`(\\w+\\s?)+`, `(?:a{1,3}b)*`), alternatives under one
 * (`(?:\\w|_)+`), or an unbounded repetition repeated several times (`(?:a.*){1,8}`): V8 backtracks,
 * and on a text that almost matches takes time exponential (or polynomial of a high degree) in its
 * length, where RE2 (gitleaks) is linear. Returns the offending part, or null. None of the built-in
 * rules has one; of gitleaks' default rules, its two curl rules.
 */
export function nestedRepetition(src: string): string | null {
  // Per open group: where it starts, whether its body repeats something a variable number of
  // times (without bound), and whether it has alternatives.
  const stack: { start: number; varies: boolean; unbounded: boolean; alt: boolean }[] = [];
  let atom = -1; // start of the last atom
  let inner = { varies: false, unbounded: false, alt: false }; // the last atom, if a group: its body
  const none = { varies: false, unbounded: false, alt: false };
  for (let i = 0; i < src.length;) {
    const c = src[i]!;
    if (c === '\\') {
      atom = i;
      inner = none;
      i += 2;
    } else if (c === '[') {
      atom = i;
      inner = none;
      for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
      i++;
    } else if (c === '(') {
      stack.push({ start: i, varies: false, unbounded: false, alt: false });
      const m = /^\((?:\?(?:[:=!]|<[=!]|<[A-Za-z_]\w*>))?/.exec(src.slice(i))!;
      i += m[0].length;
      continue;
    } else if (c === ')') {
      const g = stack.pop();
      atom = g?.start ?? i;
      inner = g ?? none;
      // What repeats inside a group repeats inside the groups around it.
      const up = stack[stack.length - 1];
      if (up !== undefined && g !== undefined) {
        up.varies ||= g.varies;
        up.unbounded ||= g.unbounded;
      }
      i++;
    } else if (c === '|') {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.alt = true;
      i++;
      continue;
    } else {
      atom = i;
      inner = none;
      i++;
    }
    // A quantifier after the atom?
    const m = /^(?:[*+?]|\{(\d+)(?:(,)(\d*))?\})\??/.exec(src.slice(i));
    if (m === null) continue;
    const unbounded = m[0][0] === '*' || m[0][0] === '+' || (m[2] === ',' && m[3] === '');
    const varies = m[0][0] !== '{' || (m[2] === ',' && (m[3] === '' || Number(m[3]) > Number(m[1])));
    const max = m[0][0] === '?' ? 1 : unbounded ? Infinity : m[2] === ',' ? Number(m[3]) : Number(m[1]);
    // A varying body, or alternatives, repeated without bound: the ways to split a text between the
    // repetitions grow exponentially. An unbounded body repeated a bounded number of times, n:
    // polynomial of degree n (`(?:a.*){1,8}` took minutes on 66 characters). Both refused, though
    // a delimiter the body cannot match would keep them linear (gitleaks' curl rules, refused too).
    if ((unbounded && (inner.varies || inner.alt)) || (max >= 2 && inner.unbounded)) return src.slice(atom, i + m[0].length);
    const top = stack[stack.length - 1];
    if (top !== undefined) {
      top.varies ||= varies;
      top.unbounded ||= unbounded;
    }
    i += m[0].length;
  }
  return null;
}
