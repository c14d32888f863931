// Go RE2 syntax → JavaScript RegExp source. RE2 is (almost) a subset of what V8 accepts, but the
// spelling differs: inline flags, named groups, POSIX classes, \Q…\E, \z. Constructs with no JS
// equivalent are reported, never silently dropped, so an import lists what it could not take.
//
// Scoped flags: JS (Node 20) has no inline modifiers, so `(?i)` in the middle of a pattern and
// `(?i:…)` are applied by case-folding the literals in their scope (`a` → `[aA]`, `[a-f]` →
// `[a-fA-F]`). `(?i)` at the very start becomes the `i` flag, unless the pattern turns it off
// somewhere (`(?-i:…)`): then the whole pattern is folded and that scope is not; `(?s)`/`(?m)`
// become flags.

export type Translation = { source: string; flags: string } | { error: string };

const POSIX: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~', graph: '!-~', ascii: '\\x00-\\x7f',
};

const isLetter = (c: string): boolean => c.toLowerCase() !== c.toUpperCase();
const escapeLiteral = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Adds the other case of every letter and letter range in a class body (no brackets). */
function foldClass(body: string): string {
  let extra = '';
  const re = /\\.|(.)-(.)|(.)/gsu;
  for (const m of body.matchAll(re)) {
    if (m[1] !== undefined && m[2] !== undefined) {
      const [a, b] = [m[1], m[2]];
      if (/[a-z]/.test(a) && /[a-z]/.test(b)) extra += `${a.toUpperCase()}-${b.toUpperCase()}`;
      else if (/[A-Z]/.test(a) && /[A-Z]/.test(b)) extra += `${a.toLowerCase()}-${b.toLowerCase()}`;
    } else if (m[3] !== undefined && isLetter(m[3])) {
      const o = m[3] === m[3].toLowerCase() ? m[3].toUpperCase() : m[3].toLowerCase();
      if (o.length === 1) extra += o;
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
        out += top() ? [...lit].map((ch) => (isLetter(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : escapeLiteral(ch))).join('') : escapeLiteral(lit);
        i = end < 0 ? src.length : end + 2;
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
    out += top() && isLetter(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c === '/' ? '\\/' : c;
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
 * A repetition inside an unbounded repetition (`(\\w+\\s?)+`, `(?:a{1,3}b)*`): V8 backtracks, and on a
 * text that almost matches such a pattern takes time exponential in its length, where RE2 (gitleaks)
 * is linear. Returns the offending part, or null. Neither gitleaks' default rules nor the built-in
 * ones have any. (Overlapping alternatives under a repetition, `(a|ab)+`, are not detected.)
 */
export function nestedRepetition(src: string): string | null {
  // Per open group: where it starts, and whether its body repeats something a variable number of times.
  const stack: { start: number; varies: boolean }[] = [];
  let atom = -1; // start of the last atom
  let inner = { varies: false }; // the last atom, a group: whether its body varies
  const none = { varies: false };
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
      stack.push({ start: i, varies: false });
      const m = /^\((?:\?(?:[:=!]|<[=!]|<[A-Za-z_]\w*>))?/.exec(src.slice(i))!;
      i += m[0].length;
      continue;
    } else if (c === ')') {
      const g = stack.pop();
      atom = g?.start ?? i;
      inner = g ?? none;
      // What repeats inside a group repeats inside the groups around it.
      const up = stack[stack.length - 1];
      if (up !== undefined && g !== undefined) up.varies ||= g.varies;
      i++;
    } else if (c === '|') {
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
    // A varying body repeated without bound: the ways to split a text between the repetitions grow
    // exponentially. (A bounded repetition of an unbounded body, `(?:\\n.*){1,5}`, is polynomial: gitleaks'
    // curl rules have it, kept.)
    if (unbounded && inner.varies) return src.slice(atom, i + m[0].length);
    const top = stack[stack.length - 1];
    if (top !== undefined) top.varies ||= varies;
    i += m[0].length;
  }
  return null;
}
