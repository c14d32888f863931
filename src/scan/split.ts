// Splitting a large bundle into independently parseable pieces at top-level statement boundaries,
// so that pieces parse and analyse in parallel workers. A light tokenizer tracks strings,
// template literals, comments, regular expressions and bracket depth; a cut is made after a `;` at
// depth 0. A wrong guess (a regex taken for a division) shows up as a parse error in a piece, and
// the caller then analyses the whole file in one piece instead.

const IDENT = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || (c >= 48 && c <= 57) || c > 127;
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'instanceof', 'new', 'void', 'delete', 'throw', 'yield', 'await', 'of']);
const WORD_LENGTHS = new Uint8Array(16);
const WORD_STARTS = new Uint8Array(128);
for (const w of REGEX_AFTER_WORD) { WORD_LENGTHS[w.length] = 1; WORD_STARTS[w.charCodeAt(0)] = 1; }
// After these punctuators a `/` starts a regular expression, not a division.
const REGEX_AFTER_PUNCT = new Set('(,=:[!&|?{};+-*%<>~^'.split('').map((c) => c.charCodeAt(0)));

/**
 * Offsets where the text may be cut: every piece is [cuts[i], cuts[i+1]). `onCut` is told each cut
 * after 0 (the last is the text's length) as soon as it is found, so that a piece can be analysed
 * while the rest of the text is still being tokenized.
 */
export function splitPoints(text: string, pieces: number, onCut?: (cut: number) => void): number[] {
  const len = text.length;
  const cuts = [0];
  if (pieces <= 1 || len < 1024) { onCut?.(len); return [0, len]; }
  const target = Math.ceil(len / pieces);
  let next = target;
  let i = text.startsWith('#!') ? Math.max(0, text.indexOf('\n')) : 0;
  let depth = 0;
  const tpl: number[] = [];
  let regexOk = true;

  const skipTemplate = (): void => {
    // i is just after ` or }; scan to the closing ` or the next ${
    while (i < len) {
      const ch = text.charCodeAt(i);
      if (ch === 92) { i += 2; continue; }
      if (ch === 96) { i++; return; }
      if (ch === 36 && text.charCodeAt(i + 1) === 123) { tpl.push(depth); depth++; i += 2; return; }
      i++;
    }
  };

  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) { i++; continue; }
    if (c === 47) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) { const e = text.indexOf('\n', i); i = e < 0 ? len : e; continue; }
      if (d === 42) { const e = text.indexOf('*/', i + 2); i = e < 0 ? len : e + 2; continue; }
      if (regexOk) {
        i++;
        let cls = false;
        while (i < len) {
          const ch = text.charCodeAt(i);
          if (ch === 92) { i += 2; continue; }
          if (ch === 10) break;
          if (ch === 91) cls = true;
          else if (ch === 93) cls = false;
          else if (ch === 47 && !cls) break;
          i++;
        }
        i++;
        regexOk = false;
        continue;
      }
      i++;
      regexOk = true;
      continue;
    }
    if (c === 34 || c === 39) {
      i++;
      while (i < len) {
        const ch = text.charCodeAt(i);
        if (ch === 92) { i += 2; continue; }
        if (ch === c || ch === 10) break;
        i++;
      }
      i++;
      regexOk = false;
      continue;
    }
    if (c === 96) { i++; skipTemplate(); regexOk = false; continue; }
    if (c === 123 || c === 40 || c === 91) { depth++; i++; regexOk = true; continue; }
    if (c === 125 || c === 41 || c === 93) {
      depth--;
      i++;
      if (c === 125 && tpl.length > 0 && tpl[tpl.length - 1] === depth) { tpl.pop(); skipTemplate(); regexOk = false; continue; }
      regexOk = c === 125;
      continue;
    }
    if (IDENT(c)) {
      let j = i + 1;
      while (j < len && IDENT(text.charCodeAt(j))) j++;
      // Only words whose length and first letter match one of REGEX_AFTER_WORD are sliced and
      // looked up; slicing every short identifier made the whole scan ~15% slower.
      regexOk = j - i < 16 && WORD_LENGTHS[j - i] === 1 && c < 128 && WORD_STARTS[c] === 1 && REGEX_AFTER_WORD.has(text.slice(i, j));
      i = j;
      continue;
    }
    if (c === 59 && depth === 0 && i + 1 >= next && len - i > target / 4) {
      cuts.push(i + 1);
      onCut?.(i + 1);
      next = i + 1 + target;
    }
    regexOk = REGEX_AFTER_PUNCT.has(c);
    i++;
  }
  cuts.push(len);
  onCut?.(len);
  return cuts;
}
