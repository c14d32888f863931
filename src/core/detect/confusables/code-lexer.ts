// Where inside a piece of code a typographic look-alike sits. A curly quote, dash or ellipsis can
// only make code read differently from how it runs where it stands in place of a code token (a
// string delimiter, an operator, a flag's hyphen, a spread); inside a string literal, a comment or
// markup text it is just text, and prose typography there is everyday (`t('It’s done')`,
// `// Return true if this’s …`, `<p>Don’t forget…</p>`, `"Das Argument „{0}“ ist ungültig"`).
//
// The lexer is deliberately small and line-bounded: it walks one region of one line (a code line,
// the part of a fence line inside the fence, or the content of a Markdown code span) from its
// start, tracking ASCII string literals, line and block comments, HTML comments, tags and the
// markup text between them. Positions are asked about in ascending order, so it resumes from where
// it stopped: each line is walked at most once, and only lines holding a candidate are walked.

const CODE = 0;
const STR = 1; // inside '…', "…" or `…` (quote in `quote`), or a triple-quoted string (`triple`)
const LINE_COMMENT = 2;
const BLOCK_COMMENT = 3; // /* … */
const HTML_COMMENT = 4; // <!-- … -->
const TAG = 5; // <name …>, attributes are code
const TEXT = 6; // markup text after a tag

const isWord = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;

export class CodeLexer {
  private region = -1;
  private at = 0; // next unit to read
  private state = CODE;
  private ret = CODE; // state a string returns to (CODE or TAG)
  private quote = 0;
  private triple = false;
  private braces = 0; // brace depth inside a tag, or of a JSX expression entered from TEXT
  private fromText = false; // the current CODE state is a JSX expression inside markup text

  constructor(private readonly text: string) {}

  /**
   * Whether `pos` lies inside a string literal, comment or markup text of the code region that
   * starts at `region` (the region ends at the first newline at or after `region`).
   */
  inert(region: number, pos: number): boolean {
    if (region !== this.region || pos < this.at) this.reset(region);
    const t = this.text;
    while (this.at < pos) this.step(t, this.at);
    return this.state !== CODE && this.state !== TAG;
  }

  private reset(region: number): void {
    this.region = region;
    this.at = region;
    this.state = CODE;
    this.braces = 0;
    this.fromText = false;
    // A continuation line of a block comment (` * text`, ` */`) or an SQL/Lua `-- ` comment line.
    const t = this.text;
    let k = region;
    while (k < t.length && isBlank(t.charCodeAt(k))) k++;
    const c = t.charCodeAt(k);
    const d = t.charCodeAt(k + 1);
    if ((c === 0x2a && (isBlank(d) || d === 0x2f || d === 0x0a || Number.isNaN(d))) || (c === 0x2d && d === 0x2d && isBlank(t.charCodeAt(k + 2)))) {
      this.state = LINE_COMMENT;
    }
  }

  /** Read the unit at i (and whatever it opens or closes), advancing `at`. */
  private step(t: string, i: number): void {
    const c = t.charCodeAt(i);
    this.at = i + 1;
    if (c === 0x0a) {
      this.state = CODE; // the region is one line: nothing carries past it
      return;
    }
    switch (this.state) {
      case STR:
        if (c === 0x5c) this.at = i + 2; // an escape: skip the next unit
        else if (c === this.quote) {
          if (!this.triple) this.state = this.ret;
          else if (t.charCodeAt(i + 1) === c && t.charCodeAt(i + 2) === c) {
            this.state = this.ret;
            this.at = i + 3;
          }
        }
        return;
      case LINE_COMMENT:
        return;
      case BLOCK_COMMENT:
        if (c === 0x2a && t.charCodeAt(i + 1) === 0x2f) {
          this.state = CODE;
          this.at = i + 2;
        }
        return;
      case HTML_COMMENT:
        if (c === 0x2d && t.startsWith('->', i + 1)) {
          this.state = TEXT;
          this.at = i + 3;
        }
        return;
      case TAG:
        if (c === 0x22 || c === 0x27) this.openString(t, i, c, TAG);
        else if (c === 0x7b) this.braces++;
        else if (c === 0x7d) this.braces = Math.max(0, this.braces - 1);
        else if (c === 0x3e && this.braces === 0) this.state = TEXT;
        return;
      case TEXT:
        if (c === 0x3c) this.maybeTag(t, i);
        else if (c === 0x7b) {
          this.state = CODE;
          this.fromText = true;
          this.braces = 1;
        }
        return;
      default:
        this.code(t, i, c);
    }
  }

  private code(t: string, i: number, c: number): void {
    const prev = i > this.region ? t.charCodeAt(i - 1) : -1;
    const next = t.charCodeAt(i + 1);
    switch (c) {
      case 0x22: case 0x60: // " `
        this.openString(t, i, c, CODE);
        return;
      case 0x27: // ' — not the apostrophe of a contraction (don't) or a Rust lifetime's tick
        if (!(isWord(prev) && isLetter(next))) this.openString(t, i, c, CODE);
        return;
      case 0x2f: // / — `//` (not in a URL's `://`) or `/*`
        if (next === 0x2f && prev !== 0x3a) this.state = LINE_COMMENT;
        else if (next === 0x2a) {
          this.state = BLOCK_COMMENT;
          this.at = i + 2;
        }
        return;
      case 0x23: // # — a comment when it starts a word and no directive, attribute or id follows
        if ((prev === -1 || isBlank(prev)) && !isWord(next) && next !== 0x5b && next !== 0x7b) this.state = LINE_COMMENT;
        return;
      case 0x3c: // < — a tag, an HTML comment, or an operator
        if (!isWord(prev) && prev !== 0x29 && prev !== 0x5d) this.maybeTag(t, i);
        return;
      case 0x7b:
        if (this.fromText) this.braces++;
        return;
      case 0x7d:
        if (this.fromText && --this.braces === 0) {
          this.state = TEXT;
          this.fromText = false;
        }
        return;
    }
  }

  private openString(t: string, i: number, q: number, ret: number): void {
    this.state = STR;
    this.ret = ret;
    this.quote = q;
    this.triple = q !== 0x60 && t.charCodeAt(i + 1) === q && t.charCodeAt(i + 2) === q;
    if (this.triple) this.at = i + 3;
  }

  /** At a '<': `<!--`, or `<name`, `</name`, `<>` `</>` start a comment or a tag. */
  private maybeTag(t: string, i: number): void {
    const n = t.charCodeAt(i + 1);
    if (n === 0x21 && t.startsWith('--', i + 2)) {
      this.state = HTML_COMMENT;
      this.at = i + 4;
    } else if (isLetter(n) || n === 0x2f || n === 0x3e) {
      this.state = TAG;
      this.braces = 0;
      this.fromText = false;
    }
  }
}

/** U+2026 with no word character on either side: an elision (`foo(…)`, `[a, …]`), not a spread. */
export function isElision(text: string, pos: number): boolean {
  return text.charCodeAt(pos) === 0x2026 && !isWord(text.charCodeAt(pos - 1)) && !isWord(text.charCodeAt(pos + 1));
}

/**
 * A single-backtick span that is a JavaScript template literal rather than Markdown: right after
 * `=`, `=>`, `+`, `?`, `return`, a tag function (`html\`…\``) or a call's `(`, or right before
 * `;` or `+`. Markdown puts its spans after words and before prose punctuation.
 */
export function isTemplateLiteral(text: string, start: number, end: number): boolean {
  const before = text.charCodeAt(start - 1);
  if (isWord(before)) return true; // a tagged template
  let k = start - 1;
  while (k >= 0 && isBlank(text.charCodeAt(k))) k--;
  const b = text.charCodeAt(k);
  if (b === 0x3d || b === 0x3e || b === 0x2b || b === 0x3f) return true;
  if (b === 0x28 && isWord(text.charCodeAt(k - 1))) return true;
  if (b === 0x6e && text.startsWith('return', k - 5) && !isWord(text.charCodeAt(k - 6))) return true;
  k = end;
  while (k < text.length && isBlank(text.charCodeAt(k))) k++;
  const a = text.charCodeAt(k);
  return a === 0x3b || a === 0x2b;
}
