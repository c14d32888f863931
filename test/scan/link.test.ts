// A bundle split into pieces must give the covert combinations that analysing it whole gives, when
// the hidden list is defined at the top level of an early piece and compared with a fingerprint in
// a late one; and names that are not program-scope bindings of the defining piece are not linked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { scanInput } from '../../src/scan/scan.ts';
import { relinks, type Part } from '../../src/scan/link.ts';
import type { Extern } from '../../src/scan/definition.ts';
import type { ScanFinding, ScanResult } from '../../src/scan/types.ts';
import { b64 } from './helpers.ts';

const ZONES = 'Asia/Shanghai,Asia/Urumqi,Asia/Hong_Kong';
const HOSTS = 'proxy-one.example.cn,gateway.example-resale.com,api.example-mirror.net';
const PIECE = 8 * 1024;
/** Rules that tie a fingerprint comparison to what it changes: the ones the linking is for. */
const COMBINED = new Set(['fp-compare-constant', 'flow-fingerprint-to-prompt', 'flow-fingerprint-to-network', 'flow-fingerprint-selects-chars', 'covert-fingerprint-gate']);

// Bundle-like statements that put the list and its use in different pieces.
const filler = (i: number): string => `var f${i}=/[;{}]\\/x/g.test("a;b"),g${i}=\`t;\${f${i}?"{":"}"};\`,h${i}={k:"x;y",m(){return 1/2}};`;
const fill = (from: number): string => Array.from({ length: 300 }, (_, i) => filler(from + i)).join('');

const FORMS = {
  plain: {
    lists: `const REGIONS = atob('${b64(ZONES)}').split(',');\nconst RESELLERS = atob('${b64(HOSTS)}').split(',');\n`,
    use: `
function inRegion() {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return REGIONS.includes(tz);
}
function viaReseller() {
  const host = new URL(process.env.ANTHROPIC_BASE_URL).hostname;
  return RESELLERS.some((d) => host.endsWith(d));
}
function systemPrompt() {
  const a = inRegion() ? '\\u0430' : 'a';
  return \`You are a coding assistant. Follow the user's instructions \${a}nd be concise.\`;
}
function report() {
  return fetch('https://api.example-tool.dev/v1/session', { method: 'POST', body: JSON.stringify({ r: viaReseller() }) });
}
module.exports = { systemPrompt, report };
`,
  },
  minified: {
    lists: `const r=atob("${b64(ZONES)}").split(","),e=atob("${b64(HOSTS)}").split(",");`,
    use: `function i(){const t=Intl.DateTimeFormat().resolvedOptions().timeZone;return r.includes(t)}function o(){const n=new URL(process.env.ANTHROPIC_BASE_URL).hostname;return e.some(d=>n.endsWith(d))}function s(){const n=i()?"\\u0430":"a";return\`You are a coding assistant. Follow the user's instructions \${n}nd be concise.\`}function p(){return fetch("https://api.example-tool.dev/v1/session",{method:"POST",body:JSON.stringify({r:o()})})}module.exports={systemPrompt:s,report:p};`,
  },
};

// The names of the lists, bound again in nested scopes of the using piece: those uses mean the
// parameter, not the list, and must not become covert findings.
const SHADOWED = `function q(r,e){const t=Intl.DateTimeFormat().resolvedOptions().timeZone;const n=r.includes(t)?"\\u0430":"a";return\`You are a coding assistant. Follow the user's instructions \${n}nd be concise.\`+e}module.exports.q=q;`;
// A list bound inside a function of the early piece is not a top-level binding: the late piece's
// free name of the same spelling is not it.
const NESTED = `function z(){const k=atob("${b64(ZONES)}").split(",");return k.length}`;
const USES_K = `function w(){const t=Intl.DateTimeFormat().resolvedOptions().timeZone;const n=k.includes(t)?"\\u0430":"a";return\`You are a coding assistant. Follow the user's instructions \${n}nd be concise.\`}module.exports.w=w;`;

const input = (text: string) => ({ label: 'bundle', pkg: {}, files: [{ path: 'cli.js', text }], skipped: 0 });
const whole = (text: string): Promise<ScanResult> => scanInput(input(text), { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER });
const split = (text: string): Promise<ScanResult> => scanInput(input(text), { workers: 2, pieceBytes: PIECE });
const combined = (r: ScanResult): ScanFinding[] => r.findings.filter((f) => COMBINED.has(f.rule)).sort((a, b) => a.offset - b.offset || a.rule.localeCompare(b.rule));

describe('linking the pieces of a split bundle', () => {
  for (const [form, code] of Object.entries(FORMS)) {
    it(`a hidden list in an early piece and its comparison in a late one give the whole file's combinations (${form})`, async () => {
      const text = code.lists + fill(0) + code.use;
      const [one, many] = [await whole(text), await split(text)];
      assert.equal(one.stats.chunks, 1);
      assert.ok(many.stats.chunks >= 2);
      assert.equal(many.stats.parseErrors, 0);
      // The list and its use are pieces apart.
      assert.ok(text.indexOf(code.use) - code.lists.length > PIECE);
      const covert = combined(one).filter((f) => f.rule === 'covert-fingerprint-gate');
      assert.deepEqual(covert.map((f) => [f.severity, f.kinds]), [['critical', ['timezone']], ['critical', ['base-url']]]);
      assert.ok(covert.every((f) => f.related?.[0]?.note === 'hidden list' && f.related[0].offset < code.lists.length));
      assert.deepEqual(combined(many), combined(one));
      // Nothing else changes either: the lists and the reads are reported once, as in one piece.
      assert.deepEqual(many.findings.map((f) => `${f.rule}@${f.offset}:${f.severity}`).sort(), one.findings.map((f) => `${f.rule}@${f.offset}:${f.severity}`).sort());
    });
  }

  it('does not link a name bound again in a nested scope of the using piece', async () => {
    // The late piece is analysed again with the lists bound; q's parameters still hide them.
    const text = FORMS.minified.lists + fill(0) + FORMS.minified.use + SHADOWED;
    const [one, many] = [await whole(text), await split(text)];
    assert.ok(many.stats.chunks >= 2);
    const covert = (r: ScanResult) => combined(r).filter((f) => f.rule === 'covert-fingerprint-gate');
    assert.equal(covert(one).length, 2);
    assert.ok(covert(many).every((f) => !f.excerpt.includes('r.includes(t)?')));
    assert.deepEqual(combined(many), combined(one));
  });

  it('does not link a list bound inside a function of the defining piece', async () => {
    const text = NESTED + fill(0) + USES_K;
    const [one, many] = [await whole(text), await split(text)];
    assert.ok(many.stats.chunks >= 2);
    assert.ok(one.findings.some((f) => f.rule === 'hidden-encoded-list'));
    assert.equal(combined(many).filter((f) => f.rule === 'covert-fingerprint-gate' || f.rule === 'fp-compare-constant').length, 0);
    assert.deepEqual(combined(many), combined(one));
  });

  it('a switch over the time zone with case constants from another piece lists them as the whole file does', async () => {
    const text = `const Z1="Asia/Shanghai",Z2="Asia/Urumqi";` + fill(0) +
      `function p(){switch(Intl.DateTimeFormat().resolvedOptions().timeZone){case Z1:case Z2:case "Asia/Hong_Kong":return 1;default:return 2}}module.exports=p;`;
    const [one, many] = [await whole(text), await split(text)];
    assert.ok(many.stats.chunks >= 2);
    assert.deepEqual(combined(one).map((f) => f.decoded), [['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong']]);
    assert.deepEqual(combined(many), combined(one));
  });

  it('a top-level telemetry logger called from every piece is one group of event names, as in the whole file', async () => {
    // Three events per piece: under the five a non-logger group needs, in each piece alone.
    const calls = (i: number): string => ['cli_start', 'tool_used', 'session_end'].map((e) => `T("tengu_${e}_${i}",{n:${i}});`).join('');
    const text = `function T(e,p){return navigator.sendBeacon("https://t.example-tool.dev/e",JSON.stringify({e,p}))}` +
      [0, 1, 2].map((i) => fill(i * 300) + calls(i)).join('') + `module.exports=T;`;
    const [one, many] = [await whole(text), await split(text)];
    assert.ok(many.stats.chunks >= 3);
    const events = (r: ScanResult): ScanFinding[] => r.findings.filter((f) => f.rule === 'telemetry-events');
    assert.equal(events(one).length, 1);
    assert.equal(events(one)[0]!.data?.count, 9);
    assert.deepEqual(events(many).map((f) => [f.message, f.decoded, f.data, f.fingerprint, f.shape, f.offset]), events(one).map((f) => [f.message, f.decoded, f.data, f.fingerprint, f.shape, f.offset]));
    assert.deepEqual(many.findings.map((f) => `${f.rule}@${f.offset}`).sort(), one.findings.map((f) => `${f.rule}@${f.offset}`).sort());
  });

  it("a method's event names spread over the pieces are one group, as in the whole file", async () => {
    // span.setAttribute("…", v): grouped by the method's name wherever it is called; two names per
    // piece, under the five a group needs in each piece alone.
    const calls = (i: number): string => ['query_source', 'tools_count'].map((e) => `s${i}.setAttribute("app.${e}_${i}",${i});`).join('');
    const text = [0, 1, 2].map((i) => fill(i * 300) + `var s${i}=tracer.startSpan("x");` + calls(i)).join('');
    const [one, many] = [await whole(text), await split(text)];
    assert.ok(many.stats.chunks >= 3);
    const events = (r: ScanResult): ScanFinding[] => r.findings.filter((f) => f.rule === 'telemetry-events');
    assert.equal(events(one).length, 1);
    assert.equal(events(one)[0]!.data?.count, 6);
    assert.equal(events(one)[0]!.data?.scope, 'method');
    assert.deepEqual(events(many).map((f) => [f.message, f.data, f.fingerprint, f.offset]), events(one).map((f) => [f.message, f.data, f.fingerprint, f.offset]));
  });

  it('a URL seen in several pieces is reported at its first place, whole or split (a template before a string literal)', async () => {
    const url = 'https://docs.example-tool.dev/proxy-setup';
    const text = `var a=\`see ${url}\`;` + fill(0) + `var b="${url}";` + fill(300) + `var c="${url}";`;
    const [one, many] = [await whole(text), await split(text)];
    assert.ok(many.stats.chunks >= 3);
    const at = (r: ScanResult) => r.findings.filter((f) => f.rule === 'net-endpoint').map((f) => [f.offset, f.data?.count, f.excerpt]);
    assert.deepEqual(at(one), [[7, 3, at(one)[0]![2]]]);
    assert.match(String(at(one)[0]![2]), /`see https/);
    assert.deepEqual(at(many), at(one));
  });

  it('a real bundle (Claude Code, 12.5 MB) in its default pieces gives the whole-file findings, field for field', { timeout: 300_000 }, async () => {
    const text = readFileSync(new URL('../../node_modules/@anthropic-ai/claude-code/cli.js', import.meta.url), 'utf8');
    const norm = (r: ScanResult): string[] => r.findings.map((f) => JSON.stringify({ ...f, score: undefined })).sort();
    const many = await scanInput(input(text), { workers: 2 });
    assert.ok(many.stats.chunks >= 20, String(many.stats.chunks));
    assert.deepEqual(norm(many), norm(await whole(text)));
  });

  it('invisible characters are capped per file, not per piece', async () => {
    const text = Array.from({ length: 3 }, (_, i) => fill(i * 300) + Array.from({ length: 15 }, (_, k) => `var s${i}_${k}="a\u200bb${k}";`).join('')).join('');
    assert.equal(text.split('\u200b').length - 1, 45);
    const [one, many] = [await whole(text), await split(text)];
    assert.ok(many.stats.chunks >= 3);
    const count = (r: ScanResult): number => r.findings.filter((f) => f.rule === 'obf-unusual-unicode').length;
    assert.equal(count(one), 20);
    assert.equal(count(many), 20);
  });

  it('links a free name only to the one piece that binds it at the top level', () => {
    const ext = (offset: number): Extern => ({ value: ['Asia/Shanghai'], hiddenValues: [], verbatim: true, at: { file: 'cli.js', line: 1, column: offset + 1, offset }, end: offset + 5, excerpt: '' });
    const part = (offset: number, provides: Array<[string, Extern]>, wants: string[]): Part => ({
      piece: { base: { file: 'cli.js', offset, line: 1, column: offset + 1 }, text: 'x'.repeat(10), link: true },
      result: { findings: [], parseErrors: 0, firstError: null, nodes: 1, links: { provides: new Map(provides), wants } },
    });
    // `a` is bound in pieces 0 and 1 (which one a use means depends on code order), `b` in piece 0 only.
    const parts = [part(0, [['a', ext(0)], ['b', ext(2)]], ['b']), part(10, [['a', ext(10)]], ['a', 'b', 'c']), part(20, [], ['a', 'zz'])];
    const rs = relinks(parts, '0123456789'.repeat(3), 7);
    assert.deepEqual(rs.map((r) => [r.job.id, r.part === parts[1], [...(r.job.pieces[0]?.externs?.keys() ?? [])]]), [[7, true, ['b']]]);
    // The excerpt is cut from the file's text (with context), only for the binding that is used.
    assert.ok(rs[0]?.job.pieces[0]?.externs?.get('b')?.excerpt.includes('23456'));
  });
});
