import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.ts';
import { parseCli, UsageError, type CliIO } from '../../src/cli/io.ts';

function io(): CliIO & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (s) => out.push(s), err: (s) => err.push(s), env: {}, outText: () => out.join('\n'), errText: () => err.join('\n') };
}

test('flags: values, booleans, repeatable lists, -h, positionals and --', () => {
  const { flags, positional } = parseCli(['a', '--json', '--out', 'r.html', '--tz=UTC', '--tz', 'Asia/Shanghai', '-h', '--', '--not-a-flag'], {
    json: { type: 'boolean' }, out: { type: 'string' }, tz: { type: 'string', multiple: true },
  });
  assert.deepEqual(positional, ['a', '--not-a-flag']);
  assert.equal(flags['json'], true);
  assert.equal(flags['out'], 'r.html');
  assert.deepEqual(flags['tz'], ['UTC', 'Asia/Shanghai']);
  assert.equal(flags['help'], true);
});

test('flags: an unknown flag, a missing value or a value for a boolean is a usage error', () => {
  assert.throws(() => parseCli(['--jsn'], { json: { type: 'boolean' } }), (e: unknown) => e instanceof UsageError && /Unknown option '--jsn'/.test(e.message));
  assert.throws(() => parseCli(['--out'], { out: { type: 'string' } }), UsageError);
  assert.throws(() => parseCli(['--json=yes'], { json: { type: 'boolean' } }), UsageError);
});

for (const argv of [['scan', '--jsn', 'pkg'], ['inspect', '--redcat', 'f.json'], ['serve', '--prot', '9'], ['policy', 'check', '--strict', 'p.yaml'], ['probe', '--persona', 'x', '--', 'node']]) {
  test(`airlock ${argv.join(' ')}: exit 2 naming the flag and pointing to --help`, async () => {
    const c = io();
    assert.equal(await main(argv, c), 2);
    assert.match(c.errText(), new RegExp(`^airlock ${argv[0]}: Unknown option '${argv.find((a, i) => i > 0 && a.startsWith('--'))}'.*see \`airlock ${argv[0]} --help\``));
  });
}

test('airlock probe: a stray argument before -- is a usage error', async () => {
  const c = io();
  assert.equal(await main(['probe', 'node', 'cli.js'], c), 2);
  assert.match(c.errText(), /unexpected argument 'node' \(put the command after --\)/);
});
