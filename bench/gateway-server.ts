// The gateway of the benchmark in its own process: SQLite audit on, inspection on or off.
// argv: <upstream url> <inspection on|off>. Prints "<gateway url> <airlock key>" on stdout.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/gateway/config.ts';
import { Gateway } from '../src/gateway/server.ts';
import { openStore } from '../src/store/index.ts';

const [upstream, inspection] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
const store = await openStore(`sqlite:${join(dir, 'airlock.db')}`);
const config = parseConfig({
  listen: { host: '127.0.0.1', port: 0 },
  dataDir: dir,
  inspection: { enabled: inspection === 'on', responses: inspection === 'on', redact: false },
  upstreams: [
    { name: 'anthropic', baseUrl: upstream, dialects: ['anthropic'], auth: 'managed', apiKeyEnv: 'BENCH_KEY' },
    { name: 'openai', baseUrl: upstream, dialects: ['openai-chat', 'openai-responses'], auth: 'managed', apiKeyEnv: 'BENCH_KEY' },
  ],
});
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const gw = new Gateway({ config, store, logger: silent, env: { BENCH_KEY: 'sk-bench' }, hashSecret: 'bench' });
await gw.listen(0, '127.0.0.1');
const { key } = await store.createKey({ user: 'bench', team: 'perf', role: 'developer' });
process.stdout.write(`${gw.url} ${key}\n`);
process.on('SIGTERM', () => {
  void (async () => {
    await gw.close(1_000);
    const n = (await store.auditHead()).seq;
    await store.close();
    process.stderr.write(`audit records written: ${n}\n`);
    process.exit(0);
  })();
});
