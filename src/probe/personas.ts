// Environment personas: the baseline a tool sees on a developer machine, and variations of one
// dimension each (time zone, locale, proxy variables, API base URL host, user name, extra
// variables), so that every difference in what the tool sends is attributed to one dimension.

export type Dimension = 'baseline' | 'tz' | 'locale' | 'proxy' | 'host' | 'user' | `env:${string}`;

export interface Persona {
  name: string;
  dimension: Dimension;
  description: string;
  tz: string;
  locale: string;
  user: string;
  /** Host name in the API base URL (both the Anthropic and the OpenAI variable). */
  host: { anthropic: string; openai: string };
  /** HTTP(S)_PROXY set (to the capture server, which also answers as a proxy). */
  proxy: boolean;
  /** Extra variables of this persona. */
  env: Record<string, string>;
}

export const BASELINE: Persona = {
  name: 'baseline',
  dimension: 'baseline',
  description: 'UTC, en_US, no proxy, vendor API host, user dev',
  tz: 'UTC',
  locale: 'en_US.UTF-8',
  user: 'dev',
  host: { anthropic: 'api.anthropic.com', openai: 'api.openai.com' },
  proxy: false,
  env: {},
};

const vary = (name: string, dimension: Dimension, description: string, patch: Partial<Persona>): Persona => ({ ...BASELINE, name, dimension, description, ...patch, env: { ...(patch.env ?? {}) } });

/** The built-in variations, in the order a short probe should take them. */
export const BUILTIN: readonly Persona[] = [
  vary('tz-shanghai', 'tz', 'TZ=Asia/Shanghai', { tz: 'Asia/Shanghai' }),
  vary('host-cn', 'host', 'a .cn API host', { host: { anthropic: 'api.llm-relay.cn', openai: 'api.llm-relay.cn' } }),
  vary('locale-zh', 'locale', 'LANG/LC_ALL=zh_CN.UTF-8', { locale: 'zh_CN.UTF-8' }),
  vary('proxy', 'proxy', 'HTTP_PROXY/HTTPS_PROXY set', { proxy: true }),
  vary('user-cn', 'user', 'USER=zhang.wei', { user: 'zhang.wei' }),
  vary('host-reseller', 'host', 'a reseller-like API host', { host: { anthropic: 'api.cheap-claude-resale.com', openai: 'api.cheap-gpt-resale.com' } }),
  vary('host-corp', 'host', 'a corporate gateway host', { host: { anthropic: 'llm-gateway.corp.example-bank.com', openai: 'llm-gateway.corp.example-bank.com' } }),
  vary('tz-new-york', 'tz', 'TZ=America/New_York', { tz: 'America/New_York' }),
  vary('locale-de', 'locale', 'LANG/LC_ALL=de_DE.UTF-8', { locale: 'de_DE.UTF-8' }),
];

export interface PersonaChoice {
  /** Built-in persona names or dimensions (e.g. 'tz', 'host-cn'); default: the first 7 built-ins. */
  only?: string[];
  tz?: string[];
  locale?: string[];
  host?: string[];
  user?: string[];
  /** Extra variables: one persona per NAME=VALUE. */
  env?: string[];
}

/** Baseline first, then the chosen variations; names are unique. */
export function choosePersonas(c: PersonaChoice = {}): Persona[] {
  const extra: Persona[] = [
    ...(c.tz ?? []).map((tz) => vary(`tz-${slug(tz)}`, 'tz', `TZ=${tz}`, { tz })),
    ...(c.locale ?? []).map((l) => vary(`locale-${slug(l)}`, 'locale', `LANG/LC_ALL=${l}`, { locale: l })),
    ...(c.host ?? []).map((h) => vary(`host-${slug(h)}`, 'host', `API host ${h}`, { host: { anthropic: h, openai: h } })),
    ...(c.user ?? []).map((u) => vary(`user-${slug(u)}`, 'user', `USER=${u}`, { user: u })),
    ...(c.env ?? []).map((kv) => {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--env expects NAME=VALUE, got '${kv}'`);
      const name = kv.slice(0, eq);
      return vary(`env-${slug(name)}-${slug(kv.slice(eq + 1)) || 'empty'}`, `env:${name}`, kv, { env: { [name]: kv.slice(eq + 1) } });
    }),
  ];
  let chosen: Persona[];
  if (c.only !== undefined && c.only.length > 0) {
    chosen = [];
    for (const o of c.only) {
      if (o === 'all') {
        chosen.push(...BUILTIN);
        continue;
      }
      const hits = BUILTIN.filter((p) => p.name === o || p.dimension === o);
      if (hits.length === 0) throw new Error(`unknown persona '${o}' (known: ${BUILTIN.map((p) => p.name).join(', ')})`);
      chosen.push(...hits);
    }
  } else chosen = extra.length > 0 ? [] : BUILTIN.slice(0, 7);
  const all = [BASELINE, ...chosen, ...extra];
  return all.filter((p, i) => all.findIndex((q) => q.name === p.name) === i);
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30);

/** Words of the values a persona sets: a tool that repeats them (its time zone, user name) is not signalling. */
export function echoWords(p: Persona, port?: number): Set<string> {
  const vals = [p.tz, p.locale, p.user, p.host.anthropic, p.host.openai, ...Object.values(p.env), ...(port !== undefined ? [String(port)] : [])];
  const out = new Set<string>();
  for (const v of vals) for (const w of v.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []) out.add(w);
  // A locale is also written with a hyphen and without its encoding (zh-CN, zh_CN).
  const [lang, region] = p.locale.split(/[._@]/)[0]!.split('_');
  if (lang) out.add(lang.toLowerCase());
  if (region) out.add(region.toLowerCase());
  // Time zone names as Date#toString and Intl write them ("China Standard Time", "协调世界时").
  const tag = region ? `${lang}-${region}` : (lang ?? 'en');
  for (const loc of ['en-US', tag]) {
    for (const style of ['long', 'short', 'longOffset', 'shortGeneric', 'longGeneric'] as const) {
      try {
        const part = new Intl.DateTimeFormat(loc, { timeZone: p.tz, timeZoneName: style }).formatToParts(new Date()).find((x) => x.type === 'timeZoneName');
        for (const w of part?.value.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []) out.add(w);
      } catch {
        // unknown locale or zone: nothing to add
      }
    }
  }
  return out;
}
