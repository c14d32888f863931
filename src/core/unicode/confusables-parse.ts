// Parser for Unicode's confusables.txt (UTS #39 security data). Pure: the generator script
// (scripts/gen-confusables.ts) and the data test feed it the file's text.
//
// Data line format (UTS #39 §4):  SOURCE ;\tTARGET [TARGET…] ;\tMA\t# ( s → t ) SOURCE NAME → TARGET NAME\t# …
// Header lines carry `# Version: 17.0.0` and `# Date: …`; the last comment is `# total: N`.

export interface ConfusableEntry {
  source: number;
  /** The prototype: one or more code points. */
  target: number[];
  /** Character name of the source, from the line's comment (empty when absent). */
  name: string;
}

export interface ConfusablesFile {
  version: string;
  date: string;
  /** The `# total:` trailer, or null when the file has none. */
  total: number | null;
  entries: ConfusableEntry[];
}

const LINE = /^([0-9A-F]{4,6}) ;\t([0-9A-F]{4,6}(?: [0-9A-F]{4,6})*) ;\t([A-Z]+)\t#/;
// The comment quotes both characters, which may themselves be ')' or '→'; names are [A-Z0-9 -].
const NAME = /\) ([A-Z][A-Z0-9 -]*?) → [A-Z]/;

export function parseConfusables(text: string): ConfusablesFile {
  const out: ConfusablesFile = { version: '', date: '', total: null, entries: [] };
  // Strip a BOM if an editor ever adds one; the published file has none.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const line of body.split('\n')) {
    if (line.startsWith('#')) {
      const version = /^# Version: (\S+)/.exec(line);
      if (version?.[1] !== undefined) out.version = version[1];
      const date = /^# Date: (.+)$/.exec(line);
      if (date?.[1] !== undefined) out.date = date[1].trim();
      const total = /^# total: (\d+)/.exec(line);
      if (total?.[1] !== undefined) out.total = Number(total[1]);
      continue;
    }
    const m = LINE.exec(line);
    if (!m) {
      if (/^[0-9A-F]/.test(line)) throw new Error(`confusables.txt: unparsed data line: ${line.slice(0, 60)}`);
      continue;
    }
    const [, src = '', tgt = ''] = m;
    out.entries.push({
      source: parseInt(src, 16),
      target: tgt.split(' ').map((h) => parseInt(h, 16)),
      name: NAME.exec(line.slice(m[0].length))?.[1] ?? '',
    });
  }
  return out;
}

/** Hex without prefix, at least four digits, as Unicode writes code points. */
export const hex = (cp: number): string => cp.toString(16).toUpperCase().padStart(4, '0');
