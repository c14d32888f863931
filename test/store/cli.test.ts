// The `keys` and `audit` command modules, called as the CLI entry would, against temp SQLite files.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run as audit } from '../../src/cli/audit.ts';
import { run as keys } from '../../src/cli/keys.ts';
import { hashKey, openStore } from '../../src/store/index.ts';
import type { AuditRecord } from '../../src/core/types.ts';
import { makeEntries, makeEntry } from './entries.ts';

const root = mkdtempSync(join(tmpdir(), 'airlock-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const newDb = (): string => join(root, `c${++n}`, 'airlock.db');

interface Captured { code: number; out: string; err: string }

async function call(cmd: typeof keys, args: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal): Promise<Captured> {
  let out = '';
  let err = '';
  // As src/cli/main.ts does: every call is written with a newline added.
  const io = { out: (s: string) => void (out += `${s}\n`), err: (s: string) => void (err += `${s}\n`), env, ...(signal ? { signal } : {}) };
  const code = await cmd(args, io);
  return { code, out, err };
}

async function seed(db: string, count: number): Promise<void> {
  const store = await openStore(`sqlite:${db}`);
  await store.appendAudit(makeEntries(1, count));
  await store.close();
}

describe('airlock keys', () => {
  it('create prints the key once with keyId and the variables hint; only the hash is stored', async () => {
    const db = newDb();
    const r = await call(keys, ['create', '--user', 'alice', '--team', 'payments', '--store', db], { AIRLOCK_URL: 'http://gw.internal:8080/' });
    assert.equal(r.code, 0, r.err);
    const key = r.out.match(/alk_[0-9A-Za-z]{49}/)?.[0];
    assert.ok(key, r.out);
    assert.match(r.out, /Created key_[0-9A-Za-z]{16} for alice \(team payments\), role developer/);
    assert.match(r.out, /only time the key is shown/);
    assert.ok(r.out.includes(`export ANTHROPIC_API_KEY=${key}`));
    assert.ok(r.out.includes('export ANTHROPIC_BASE_URL=http://gw.internal:8080\n'));
    assert.ok(r.out.includes('export OPENAI_BASE_URL=http://gw.internal:8080/v1\n'));
    assert.ok(r.out.includes('x-airlock-key'));
    const store = await openStore(db);
    try {
      const found = await store.findKeyByHash(hashKey(key));
      assert.deepEqual([found?.user, found?.team, found?.role], ['alice', 'payments', 'developer']);
    } finally {
      await store.close();
    }
    const listed = await call(keys, ['list', '--store', db]);
    assert.ok(!listed.out.includes(key), 'list never shows the key');
  });

  it('create uses AIRLOCK_STORE when --store is absent, and --role', async () => {
    const db = newDb();
    const r = await call(keys, ['create', '--user', 'root', '--role', 'admin', '--json'], { AIRLOCK_STORE: `sqlite:${db}` });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.split('\n').length, 2, 'one JSON line');
    const j = JSON.parse(r.out) as { key: string; role: string; keyId: string };
    assert.equal(j.role, 'admin');
    assert.match(j.key, /^alk_/);
  });

  it('create rejects missing --user, a bad role and unknown flags with exit 2', async () => {
    const db = newDb();
    assert.equal((await call(keys, ['create', '--store', db])).code, 2);
    const bad = await call(keys, ['create', '--user', 'a', '--role', 'root', '--store', db]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--role must be one of admin, auditor, developer/);
    assert.equal((await call(keys, ['create', '--user', 'a', '--nope', '--store', db])).code, 2);
    assert.equal((await call(keys, ['frobnicate'])).code, 2);
  });

  it('list shows a table of keys; revoke marks one revoked', async () => {
    const db = newDb();
    await call(keys, ['create', '--user', 'alice', '--team', 'payments', '--store', db]);
    const bob = JSON.parse((await call(keys, ['create', '--user', 'bob', '--json', '--store', db])).out) as { keyId: string; prefix: string };
    let l = await call(keys, ['list', '--store', db]);
    assert.equal(l.code, 0);
    const lines = l.out.trim().split('\n');
    assert.match(lines[0]!, /^KEY ID\s+PREFIX\s+USER\s+TEAM\s+ROLE\s+CREATED\s+REVOKED$/);
    assert.equal(lines.length, 3);
    assert.match(l.out, /alice\s+payments\s+developer/);
    assert.ok(l.out.includes(`${bob.prefix}…`));

    const r = await call(keys, ['revoke', bob.keyId, '--store', db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`Revoked ${bob.keyId} \\(bob\\)`));
    l = await call(keys, ['list', '--store', db]);
    const bobLine = l.out.split('\n').find((x) => x.startsWith(bob.keyId))!;
    assert.match(bobLine, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'revoked time shown');
    assert.match((await call(keys, ['revoke', bob.keyId, '--store', db])).out, /already revoked/);
    const missing = await call(keys, ['revoke', 'key_nope', '--store', db]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /No key key_nope/);
  });

  it('list on a store that does not exist fails instead of creating one', async () => {
    const r = await call(keys, ['list', '--store', join(root, 'absent', 'x.db')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /no Airlock store at/);
  });
});

describe('airlock audit', () => {
  it('verify prints OK with the count and head hash', async () => {
    const db = newDb();
    await seed(db, 7);
    const r = await call(audit, ['verify', '--store', `sqlite:${db}`]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^OK: 7 audit records verified, chain intact\.\nHead: seq 7 hash [0-9a-f]{64}\n$/);
  });

  it('verify names the first broken record and exits 1', async () => {
    const db = newDb();
    await seed(db, 7);
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(db);
    raw.prepare('UPDATE audit SET status = 201 WHERE seq = 4').run();
    raw.close();
    const r = await call(audit, ['verify', '--store', db]);
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`BROKEN at seq 4 \\(id ${makeEntry(4).id}\\): edited: `));
    assert.match(r.out, /3 records verified before the break/);
  });

  it('tail prints the last n records as a table', async () => {
    const db = newDb();
    await seed(db, 30);
    const r = await call(audit, ['tail', '-n', '3', '--store', db]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^SEQ\s+TIME\s+USER\s+TOOL\s+ROUTE\s+MODEL\s+STATUS\s+OUTCOME\s+LATENCY\s+TOKENS\s+FINDINGS$/);
    assert.match(lines[1]!, /^28\s+2026-01-01 00:00:28\s+alice\s+claude-cli@2\.1\.90\s+POST \/v1\/messages\s+claude-sonnet-4-5\s+200\s+ok\s+151ms\s+1028\/200\s+1$/);
    assert.match(lines[3]!, /^30\s/);
    assert.equal((await call(audit, ['tail', '-n', '0', '--store', db])).code, 2);
  });

  it('tail escapes control and bidi characters from client-supplied fields', async () => {
    const db = newDb();
    const store = await openStore(db);
    await store.appendAudit([makeEntry(1, { tool: 'evil\u001b[2J', toolVersion: '1\u202e0' })]);
    await store.close();
    const r = await call(audit, ['tail', '--store', db]);
    assert.ok(!r.out.includes('\u001b') && !r.out.includes('\u202e'));
    assert.ok(r.out.includes('evil\\u{1b}[2J@1\\u{202e}0'));
  });

  it('tail marks records with gaps in inspection (findings count followed by +)', async () => {
    const db = newDb();
    const store = await openStore(db);
    await store.appendAudit([makeEntry(1, { gaps: [{ part: 'response', reason: 'over the 16 MB read limit' }] }), makeEntry(2)]);
    await store.close();
    const lines = (await call(audit, ['tail', '--store', db])).out.trim().split('\n');
    assert.match(lines[1]!, /\s0\+$/);
    assert.match(lines[2]!, /\s\d+$/);
  });

  it('tail --follow prints new records as they are appended until stopped', async () => {
    const db = newDb();
    await seed(db, 2);
    const ac = new AbortController();
    let out = '';
    const io = {
      out: (s: string) => {
        out += `${s}\n`;
        if (out.includes(makeEntry(5).time.slice(11, 19))) ac.abort();
      },
      err: () => {},
      env: {},
      signal: ac.signal,
    };
    const running = audit(['tail', '--follow', '--interval', '5', '--store', db], io);
    const store = await openStore(db);
    await store.appendAudit(makeEntries(3, 3));
    await store.close();
    assert.equal(await running, 0);
    const seqs = out.trim().split('\n').slice(1).map((l) => Number(l.split(/\s+/)[0]));
    assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
  });

  it('export --format jsonl streams every record, one per line, to stdout or a file', async () => {
    const db = newDb();
    await seed(db, 1203); // more than one read batch
    const r = await call(audit, ['export', '--format', 'jsonl', '--store', db]);
    assert.equal(r.code, 0, r.err);
    assert.ok(!r.out.includes('\n\n'), 'no blank lines');
    const recs = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as AuditRecord);
    assert.equal(recs.length, 1203);
    assert.deepEqual(recs.map((x) => x.seq), Array.from({ length: 1203 }, (_, i) => i + 1));
    assert.match(r.err, /Exported 1203 records/);

    const file = join(root, 'export.jsonl');
    const f = await call(audit, ['export', '--out', file, '--user', 'alice', '--store', db]);
    assert.equal(f.code, 0, f.err);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 601);
    assert.ok(lines.every((l) => (JSON.parse(l) as AuditRecord).user === 'alice'));
    assert.equal(f.out, '', 'nothing on stdout when writing a file');

    // A time window (record i was made at 00:00:00 + i seconds): since inclusive, until exclusive.
    const w = await call(audit, ['export', '--since', '2026-01-01T00:10:00Z', '--until', '2026-01-01T00:11:00Z', '--store', db]);
    assert.equal(w.code, 0, w.err);
    assert.deepEqual(w.out.trimEnd().split('\n').map((l) => (JSON.parse(l) as AuditRecord).seq), Array.from({ length: 60 }, (_, i) => 600 + i));
    const bad = await call(audit, ['export', '--since', 'yesterday', '--store', db]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--since: expected a date/);
  });

  it('export refuses to overwrite a file and unknown formats', async () => {
    const db = newDb();
    await seed(db, 1);
    const file = join(root, 'exists.jsonl');
    writeFileSync(file, 'evidence\n');
    const r = await call(audit, ['export', '--out', file, '--store', db]);
    assert.equal(r.code, 1);
    assert.equal(readFileSync(file, 'utf8'), 'evidence\n');
    assert.equal((await call(audit, ['export', '--format', 'csv', '--store', db])).code, 2);
  });

  it('usage: no command exits 2, --help exits 0, unknown command exits 2', async () => {
    assert.equal((await call(audit, [])).code, 2);
    const h = await call(audit, ['--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /verify/);
    assert.equal((await call(audit, ['nope'])).code, 2);
  });
});
