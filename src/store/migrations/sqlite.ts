// SQLite schema. STRICT tables so a value of the wrong type is refused instead of coerced
// (a coerced value would come back different and break the record's hash).

import type { Migration } from './migration.ts';

const GENESIS = '0'.repeat(64);

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'keys-and-audit',
    sql: `
CREATE TABLE api_keys (
  key_id     TEXT PRIMARY KEY,
  key_hash   TEXT NOT NULL UNIQUE,  -- hex SHA-256 of the key; the key itself is never stored
  prefix     TEXT NOT NULL,
  user_name  TEXT NOT NULL,
  team       TEXT,
  role       TEXT NOT NULL CHECK (role IN ('admin', 'auditor', 'developer')),
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;
CREATE INDEX api_keys_prefix ON api_keys (prefix);

-- seq is assigned by the store from audit_head (an alias of rowid, never AUTOINCREMENT).
CREATE TABLE audit (
  seq            INTEGER PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  time           TEXT NOT NULL,
  key_id         TEXT,
  user_name      TEXT,
  team           TEXT,
  tool           TEXT,
  tool_version   TEXT,
  dialect        TEXT,
  route          TEXT NOT NULL,
  upstream       TEXT,
  model          TEXT,
  status         INTEGER NOT NULL,
  outcome        TEXT NOT NULL,
  error_code     TEXT,
  latency_ms     REAL NOT NULL,
  ttfb_ms        REAL,
  input_tokens   INTEGER,
  output_tokens  INTEGER,
  request_bytes  INTEGER NOT NULL,
  response_bytes INTEGER NOT NULL,
  request_sha256 TEXT,
  findings       TEXT NOT NULL,
  decision       TEXT,
  policy_hash    TEXT,
  redacted_body  TEXT,
  prev_hash      TEXT NOT NULL,
  hash           TEXT NOT NULL
) STRICT;
CREATE INDEX audit_user ON audit (user_name, seq);
CREATE INDEX audit_team ON audit (team, seq);

-- Head checkpoint, updated in the same transaction as every append: reveals a deleted tail.
CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS}');
`,
  },
  {
    version: 2,
    name: 'rate-counters-and-policy-versions',
    sql: `
-- Fixed-window counters for rate limits and token budgets, shared by every process on the file.
CREATE TABLE rate_counters (
  name       TEXT NOT NULL,     -- e.g. rpm:user:alice, tpd:team:payments
  win        INTEGER NOT NULL,  -- window number (epoch ms / window length)
  count      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,  -- epoch ms after which the row can be pruned
  PRIMARY KEY (name, win)
) STRICT;
CREATE INDEX rate_counters_expiry ON rate_counters (expires_at);

-- Every policy text the gateway loaded, by hash, so \`airlock policy explain\` can re-run a decision.
CREATE TABLE policy_versions (
  hash      TEXT PRIMARY KEY,
  source    TEXT NOT NULL,
  text      TEXT NOT NULL,
  loaded_at TEXT NOT NULL
) STRICT;
`,
  },
  {
    version: 3,
    name: 'covert-baselines',
    sql: `
-- Covert-channel prompt baselines: learned variants of each tool version's system prompt, tool
-- definitions and headers (src/core/covert/baseline.ts). Holds tool-authored text only, never
-- user messages; rev orders writes so that instances load only what is new.
CREATE TABLE covert_baselines (
  tool       TEXT NOT NULL,
  version    TEXT NOT NULL,
  grp        TEXT NOT NULL,
  hash       TEXT NOT NULL,
  fields     TEXT NOT NULL,  -- JSON [[field, text], ...]
  users      TEXT NOT NULL,  -- JSON array, capped
  count      INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen  TEXT NOT NULL,
  rev        INTEGER NOT NULL,
  PRIMARY KEY (tool, version, grp, hash)
) STRICT;
CREATE INDEX covert_baselines_rev ON covert_baselines (rev);
`,
  },
  {
    version: 4,
    name: 'audit-gaps',
    sql: `
-- What of an exchange was not (wholly) inspected, and why: JSON array, NULL when nothing was missed.
ALTER TABLE audit ADD COLUMN gaps TEXT;
`,
  },
];
