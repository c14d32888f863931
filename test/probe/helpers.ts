// Shared by the probe and passive-baseline tests: the fake tools, written once per process, and
// the personas their hidden signals depend on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFakeTools } from './fake-tools.ts';

export { FAKE_TOOLS } from './fake-tools.ts';

let files: Map<string, string> | null = null;

/** name → path of the generated fake tool. */
export function fakeTools(): Map<string, string> {
  files ??= writeFakeTools(mkdtempSync(join(tmpdir(), 'airlock-fake-tools-')));
  return files;
}

/** Enough personas to reach every signal of the fake tools (one per dimension, two hosts). */
export const TEST_PERSONAS = ['tz-shanghai', 'host-cn', 'locale-zh', 'proxy', 'user-cn', 'host-reseller'];
