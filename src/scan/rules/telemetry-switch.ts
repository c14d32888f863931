// Environment variables and settings that switch telemetry, error reporting or non-essential
// traffic on or off. Reported once per name per file.
import type { Analysis } from '../analysis.ts';
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { envReadName } from '../fingerprint.ts';

const ENV_TOPIC = /TELEMETRY|ANALYTICS|TRACKING|DO_NOT_TRACK|ERROR_REPORTING|NONESSENTIAL|USAGE_STAT|CRASH_REPORT|SENTRY|STATSIG|FEEDBACK_SURVEY|OTEL_SDK_DISABLED|AUTOUPDATER|UPDATE_CHECK/;
const ENV_SWITCH = /DISABLE|ENABLE|_OFF\b|OPT_?OUT|^DO_NOT_TRACK$|_ENABLED$|SDK_DISABLED/;
const SETTING = /^(usageStatisticsEnabled|enableTelemetry|disableTelemetry|telemetryEnabled|telemetry\.enabled|analyticsEnabled|sendAnonymousUsageData|crashReporting(Enabled)?|errorReporting(Enabled)?|allowTelemetry|telemetryLevel|shareUsageData|collectUsageData|disableErrorReporting|disableNonessentialTraffic|logPrompts|telemetry\.logPrompts|telemetry\.target|telemetry\.otlpEndpoint)$/;

export const isEnvSwitch = (name: string): boolean => /^[A-Z][A-Z0-9_]{2,}$/.test(name) && ENV_TOPIC.test(name) && ENV_SWITCH.test(name);
export const isSettingSwitch = (name: string): boolean => SETTING.test(name);

/**
 * What setting a switch does, from its name: `off` turns telemetry off (DISABLE_TELEMETRY,
 * DO_NOT_TRACK, OTEL_SDK_DISABLED); `on` turns it on and is off unless set
 * (CLAUDE_CODE_ENABLE_TELEMETRY, ENABLE_ENHANCED_TELEMETRY_BETA), so setting it does not help an
 * organisation that wants less traffic; `toggle` is a boolean or a level (TELEMETRY_ENABLED,
 * usageStatisticsEnabled, telemetry.target) to set to false or off.
 */
export function switchEffect(name: string, type: string): 'off' | 'on' | 'toggle' {
  if (type === 'env') {
    if (/DISABLE|_OFF\b|OPT_?OUT|^DO_NOT_TRACK$/.test(name)) return 'off';
    if (/_ENABLED$/.test(name)) return 'toggle';
    return /ENABLE/.test(name) ? 'on' : 'toggle';
  }
  return /^disable/.test(name) ? 'off' : 'toggle';
}

const EFFECT_TEXT = {
  off: 'switches telemetry or non-essential traffic off',
  on: 'switches telemetry on (it is not a way to turn it off)',
  toggle: 'turns telemetry or non-essential traffic on or off',
};

export const rule: Rule = {
  meta: {
    id: 'telemetry-switch',
    category: 'telemetry',
    severity: 'info',
    title: 'Switch for telemetry or non-essential traffic',
    explanation:
      'An environment variable or setting that turns telemetry, analytics, error reporting or non-essential traffic on or off ' +
      '(DISABLE_TELEMETRY, DO_NOT_TRACK, usageStatisticsEnabled, ...). Listed so that an organisation can pin them in its managed ' +
      'configuration before allowing the tool.',
  },
  visit: {
    MemberExpression(s, a) {
      // The name first: whether the object is process.env takes scope lookups.
      const name = s.name;
      if (name && isEnvSwitch(name) && envReadName(s.node, s.scope) !== null) add(a, s.node, name, 'env');
    },
    Literal(s, a) {
      const v = s.node.value;
      if (typeof v !== 'string' || v.length > 60) return;
      if (isEnvSwitch(v)) add(a, s.node, v, 'env');
      else if (isSettingSwitch(v)) add(a, s.node, v, 'setting');
    },
    Property(s, a) {
      const k = s.node.key;
      if (!s.node.computed && k?.type === 'Identifier' && isSettingSwitch(k.name)) add(a, s.node, k.name, 'setting');
    },
  },
};

function add(a: Analysis, node: Node, name: string, type: 'env' | 'setting'): void {
  a.reportOnce(rule, name, node, () => ({
    message: `${type === 'env' ? 'environment variable' : 'setting'} ${name} ${EFFECT_TEXT[switchEffect(name, type)]}.`,
    key: `${type}:${name}`,
    data: { name, type, effect: switchEffect(name, type) },
  }));
}
