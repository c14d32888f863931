// Passive baselines fed with the fake tools' real requests from several simulated users (each
// persona run is a user): every hidden signal is found by comparing users, and the clean tools
// with heavy nondeterminism produce no finding.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRequest } from '../../src/core/exchange/index.ts';
import type { Dialect, Finding } from '../../src/core/types.ts';
import { BaselineObserver } from '../../src/gateway/baselines.ts';
import { writeHook } from '../../src/probe/hook.ts';
import { choosePersonas } from '../../src/probe/personas.ts';
import { runAll } from '../../src/probe/runner.ts';
import { FAKE_TOOLS, TEST_PERSONAS, fakeTools } from '../probe/helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'airlock-passive-'));
after(() => rmSync(root, { recursive: true, force: true }));
const personas = choosePersonas({ only: TEST_PERSONAS });
const dimension = new Map(personas.map((p) => [p.name, p.dimension]));
const dialectOf = (url: string): Dialect => (url.includes('/messages') ? 'anthropic' : url.includes('/responses') ? 'openai-responses' : 'openai-chat');

describe('passive baselines on fake tools', () => {
  for (const tool of FAKE_TOOLS) {
    it(`${tool.name}: ${tool.signal ? `${tool.signal.cls} signal found from users' traffic` : 'no finding'}`, async () => {
      const outcomes = await runAll({
        command: [process.execPath, fakeTools().get(tool.name)!], personas, runs: 2, root, cwd: root,
        nodeOptions: writeHook(root, personas.flatMap((p) => [p.host.anthropic, p.host.openai]), false),
        timeoutMs: 60_000, concurrency: 6, set: {}, inheritEnv: false, parentEnv: process.env, reply: 'OK.',
      });
      const obs = new BaselineObserver(null, { syncMs: 0 });
      const byUser: { user: string; persona: string; f: Finding[] }[] = [];
      for (const o of outcomes) {
        assert.ok(o.requests.length > 0, `${o.persona} run ${o.run} made a request`);
        for (const r of o.requests) {
          const { segments } = parseRequest(dialectOf(r.url), r.body.toString('utf8'));
          const user = `${o.persona}#${o.run}`;
          byUser.push({ user, persona: o.persona, f: obs.observe({ tool: tool.name, version: '1.0.0', user, segments, headers: r.headers }) });
        }
      }
      const all = byUser.flatMap((x) => x.f);
      if (tool.signal === null) {
        assert.deepEqual(all, []);
        return;
      }
      const wanted = tool.signal.cls === 'format' ? 'medium' : 'high';
      const flagged = byUser.filter((x) => x.f.some((f) => f.severity === wanted && f.rule === `${tool.signal!.cls}-variant`));
      assert.ok(flagged.length >= 2, JSON.stringify(all, null, 1));
      // The exchanges flagged are those of the signalled personas (or, when the first user was
      // signalled, everybody else: the variants differ either way).
      const dims = new Set<string | undefined>(flagged.map((x) => dimension.get(x.persona)));
      assert.ok(dims.has(tool.signal.dimension), JSON.stringify([...dims]));
      assert.ok(all.every((f) => f.detector === 'covert' && f.severity !== 'low'));
    });
  }
});
