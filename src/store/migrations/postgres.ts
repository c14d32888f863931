// PostgreSQL schema. Timestamps stay ISO-8601 text, as in SQLite, so a record reads back
// byte-identical to what was hashed (timestamptz would reformat it). JSON stays text for the
// same reason (jsonb reorders keys and refuses \u0000).

import type { Migration } from './migration.ts';

const GENESIS = '0'.repeat(64);

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'keys-and-audit',
    sql: `
CREATE TABLE api_keys (
  key_id     text PRIMARY KEY,
  key_hash   text NOT NULL UNIQUE,
  prefix     text NOT NULL,
  user_name  text NOT NULL,
  team       text,
  role       text NOT NULL CHECK (role IN ('admin', 'auditor', 'developer')),
  created_at text NOT NULL,
  revoked_at text
);
CREATE INDEX api_keys_prefix ON api_keys (prefix);

CREATE TABLE audit (
  seq            bigint PRIMARY KEY,
  id             text NOT NULL UNIQUE,
  time           text NOT NULL,
  key_id         text,
  user_name      text,
  team           text,
  tool           text,
  tool_version   text,
  dialect        text,
  route          text NOT NULL,
  upstream       text,
  model          text,
  status         integer NOT NULL,
  outcome        text NOT NULL,
  error_code     text,
  latency_ms     double precision NOT NULL,
  ttfb_ms        double precision,
  input_tokens   bigint,
  output_tokens  bigint,
  request_bytes  bigint NOT NULL,
  response_bytes bigint NOT NULL,
  request_sha256 text,
  findings       text NOT NULL,
  decision       text,
  policy_hash    text,
  redacted_body  text,
  prev_hash      text NOT NULL,
  hash           text NOT NULL
);
CREATE INDEX audit_user ON audit (user_name, seq);
CREATE INDEX audit_team ON audit (team, seq);

-- Head checkpoint and append lock: appends take this row FOR UPDATE, which serialises writers
-- across gateway instances, and move it in the same transaction.
CREATE TABLE audit_head (
  id   integer PRIMARY KEY CHECK (id = 1),
  seq  bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS}');
`,
  },
  {
    version: 2,
    name: 'rate-counters-and-policy-versions',
    sql: `
-- Fixed-window counters for rate limits and token budgets, shared by every gateway instance:
-- one upsert per request returns the new counts (see src/gateway/ratelimit.ts).
CREATE TABLE rate_counters (
  name       text NOT NULL,
  win        bigint NOT NULL,
  count      bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (name, win)
);
CREATE INDEX rate_counters_expiry ON rate_counters (expires_at);

CREATE TABLE policy_versions (
  hash      text PRIMARY KEY,
  source    text NOT NULL,
  text      text NOT NULL,
  loaded_at text NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'covert-baselines',
    sql: `
-- Covert-channel prompt baselines (see the SQLite migration of the same name).
CREATE TABLE covert_baselines (
  tool       text NOT NULL,
  version    text NOT NULL,
  grp        text NOT NULL,
  hash       text NOT NULL,
  fields     text NOT NULL,
  users      text NOT NULL,
  count      bigint NOT NULL,
  first_seen text NOT NULL,
  last_seen  text NOT NULL,
  rev        bigint NOT NULL,
  PRIMARY KEY (tool, version, grp, hash)
);
CREATE INDEX covert_baselines_rev ON covert_baselines (rev);
`,
  },
  {
    version: 4,
    name: 'audit-gaps',
    sql: `
-- What of an exchange was not (wholly) inspected, and why: JSON array, NULL when nothing was missed.
ALTER TABLE audit ADD COLUMN gaps text;
`,
  },
];
