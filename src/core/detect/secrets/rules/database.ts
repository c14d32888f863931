// Connection strings with embedded passwords: database and broker URLs, JDBC, ADO.NET, and
// credentials in generic URLs and Bundler source settings. The secret span is the password.
import { ci, near } from '../build.ts';
import { isDummyPassword, isPlaceholder } from '../placeholder.ts';
import type { MatchContext, SecretRule } from '../types.ts';

/** user:password@host — the password may contain '@'; greedy then back off to the last '@'. */
const CRED = `[^\\s:@/?#'"\`<>]{0,128}:([^\\s/'"\`<>]{1,200})@(?=[A-Za-z0-9._\\[\\]-]+)`;

function urlRule(id: string, description: string, schemes: string[], severity: SecretRule['severity'] = 'critical'): SecretRule {
  const alt = schemes.map(ci).join('|');
  return {
    id,
    description,
    severity,
    keywords: schemes.map((s) => `${s}://`),
    regex: new RegExp(`(?:${alt})://${CRED}`),
    secretGroup: 1,
    mode: 'anchor',
    confidence: 0.9,
    validate: urlPassword,
  };
}

/** Rejects defaults and templates: password equal to the user name, too short to matter, or made up (`somepassword`, `db-password`). */
function urlPassword(pass: string, ctx: MatchContext): number | false {
  const m = /:\/\/([^:]*):/.exec(ctx.match);
  const user = m?.[1] ?? '';
  if (pass.length < 4 || pass === user || isPlaceholder(pass) || isPlaceholder(user + pass) || isDummyPassword(pass)) return false;
  return 0.9;
}

const CONNECTION_KEY = /(?:^|;)[ \t]*(?:server|data source|host|address|addr|user id|uid|initial catalog|database|dsn|driver|provider)[ \t]*=/i;

/**
 * An ADO.NET / ODBC connection string is one string of `key=value` pairs joined by `;`: the
 * password key begins a pair (after `;`, a space, a quote or a line start: not `q.password=` in
 * minified code, not `DB_PASSWORD=` in a .env file), and the same string (up to quotes and line
 * ends) holds a `;` and a server, database or user key at its start or after a `;`.
 */
function adoNetString(c: MatchContext): number | false {
  const t = c.text;
  const k = c.matchStart;
  const prev = k > 0 ? t.charCodeAt(k - 1) : 10;
  if (prev !== 59 && prev !== 32 && prev !== 9 && prev !== 10 && prev !== 13 && prev !== 34 && prev !== 39 && prev !== 96) return false;
  const stop = (ch: number): boolean => ch === 10 || ch === 13 || ch === 34 || ch === 39 || ch === 96;
  let a = k;
  while (a > 0 && a > k - 400 && !stop(t.charCodeAt(a - 1))) a--;
  let b = c.end;
  while (b < t.length && b < c.end + 200 && !stop(t.charCodeAt(b))) b++;
  const s = t.slice(a, b);
  return s.includes(';') && CONNECTION_KEY.test(s) ? 0.85 : false;
}

export const DATABASE_RULES: SecretRule[] = [
  urlRule('postgres-url-password', 'PostgreSQL connection URL with password', ['postgres', 'postgresql', 'pgsql']),
  urlRule('mysql-url-password', 'MySQL / MariaDB connection URL with password', ['mysql', 'mysqlx', 'mariadb']),
  urlRule('mongodb-url-password', 'MongoDB connection URL with password (mongodb / mongodb+srv)', ['mongodb', 'mongodb+srv']),
  urlRule('redis-url-password', 'Redis / Valkey connection URL with password', ['redis', 'rediss', 'valkey']),
  urlRule('amqp-url-password', 'AMQP (RabbitMQ) URL with password', ['amqp', 'amqps']),
  urlRule('mssql-url-password', 'SQL Server URL with password', ['mssql', 'sqlserver']),
  urlRule('clickhouse-url-password', 'ClickHouse URL with password', ['clickhouse', 'clickhouses']),
  urlRule('cockroachdb-url-password', 'CockroachDB URL with password', ['cockroachdb', 'cockroach']),
  urlRule('snowflake-url-password', 'Snowflake connection URL with password', ['snowflake']),
  urlRule('oracle-url-password', 'Oracle connection URL with password', ['oracle', 'oracle+cx_oracle']),
  urlRule('neo4j-url-password', 'Neo4j URL with password', ['neo4j', 'neo4j+s', 'bolt', 'bolt+s']),
  urlRule('couchdb-url-password', 'CouchDB / Cassandra / InfluxDB URL with password', ['couchdb', 'cassandra', 'influxdb', 'elasticsearch']),
  urlRule('broker-url-password', 'Message broker URL with password (NATS, Kafka, MQTT, STOMP)', ['nats', 'kafka', 'mqtt', 'mqtts', 'stomp', 'stomp+ssl']),
  urlRule('ldap-url-password', 'LDAP URL with bind password', ['ldap', 'ldaps'], 'high'),
  urlRule('ftp-url-password', 'FTP / SFTP URL with password', ['ftp', 'ftps', 'sftp'], 'high'),
  urlRule('smtp-url-password', 'SMTP URL with password', ['smtp', 'smtps', 'imap', 'imaps'], 'high'),
  urlRule('http-url-password', 'HTTP(S) URL with basic-auth credentials', ['http', 'https'], 'high'),
  near({
    id: 'jdbc-url-password', description: 'JDBC URL with a password parameter', severity: 'critical',
    keywords: ['jdbc:'], before: 0, after: 600, flags: 'i',
    // After `;` (SQL Server, `jdbc:sqlserver://h;user=sa;password=…;`) the value runs to the next
    // `;` and may hold `&`; after `?`/`&` (MySQL, PostgreSQL) it ends at `&`.
    value: 'jdbc:[a-z0-9:+]+//[^\\s\'"`<>]{0,300}?[?&;]password=((?<=;password=)[^\\s;\'"`<>]{1,128}|[^\\s&;\'"`<>]{1,128})', group: 1, confidence: 0.9,
  }),
  near({
    id: 'ado-net-connection-password', description: 'ADO.NET / ODBC connection string password (Password= / Pwd=)', severity: 'critical',
    keywords: ['password=', 'pwd='], before: 400, after: 140, flags: 'i',
    value: '(?<![A-Za-z0-9])(?:password|pwd)=([^;\'"`\\s{}][^;\'"`\\r\\n]{0,127})(?=;|"|\'|$|\\r?\\n)', group: 1, confidence: 0.85,
    validate: (_s, c) => adoNetString(c),
  }),
  {
    // Go's MySQL driver (go-sql-driver/mysql): `user:password@tcp(host:port)/db`, `…@unix(/sock)/db`.
    id: 'mysql-dsn-password', description: 'Go MySQL driver DSN with password (user:pass@tcp(host)/db)', severity: 'critical',
    keywords: ['@tcp(', '@unix('], mode: 'window', before: 200, after: 8, secretGroup: 1, confidence: 0.9,
    regex: /(?<![\w.:@/-])[\w.-]{1,64}:([^\s'"`]{1,128}?)@(?:tcp|unix)\(/,
    validate: (pass, c) => {
      const user = c.match.slice(0, c.match.indexOf(':'));
      return pass.length >= 4 && pass !== user && !isPlaceholder(pass) && !isPlaceholder(user + pass) && !isDummyPassword(pass) ? 0.9 : false;
    },
  },
  {
    id: 'bundler-source-credentials', description: 'Bundler gem-source credentials (BUNDLE_<HOST>__COM=user:pass, e.g. Sidekiq Pro)', severity: 'high',
    keywords: ['bundle_'], mode: 'anchor', secretGroup: 1, confidence: 0.9,
    regex: /(?<![A-Za-z0-9])BUNDLE_[A-Z0-9_]{1,80}__(?:COM|ORG|NET|IO|DEV|CO)["']?[ \t]*[:=][ \t]*["']?([^\s'":]{1,100}:[^\s'";&]{1,100})/,
  },
];
