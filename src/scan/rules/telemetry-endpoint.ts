// Telemetry and analytics endpoints. Detected by net-endpoint's URL scan; the report adds the
// event names and the switches that turn them off.
import type { Rule } from '../rule.ts';

const TELEMETRY_RE = /telemetry|analytics|metrics|\bevents?\b|event_logging|eventlog|\/log\b|\/logs?\/|logging|\/collect|\/track|\/t\/|statsig|featuregates|segment\.(io|com)|sentry|datadog|datadoghq|\botel\b|otlp|opentelemetry|clearcut|play\.googleapis\.com\/log|posthog|amplitude|mixpanel|rudderstack|honeycomb|bugsnag|rollbar|growthbook|launchdarkly|newrelic|appcenter|firebaselogging|app-measurement|google-analytics|googletagmanager|aliyuncs\.com\/.*log|arms|umeng|baidu\.com\/hm/i;
const NOT_TELEMETRY = /googleapis\.com\/auth\/|github\.com|githubusercontent|npmjs|docs?\.|\/docs\/|schema|w3\.org|localhost|127\.0\.0\.1/i;

export function isTelemetry(url: string): boolean {
  return TELEMETRY_RE.test(url) && !NOT_TELEMETRY.test(url);
}

export const rule: Rule = {
  meta: {
    id: 'telemetry-endpoint',
    category: 'telemetry',
    severity: 'low',
    title: 'Telemetry or analytics endpoint',
    explanation:
      'A URL or host of a telemetry, analytics, error-reporting or feature-flag service (the tool\'s own event logging, Sentry, ' +
      'Datadog, Statsig, OpenTelemetry collectors, Google Clearcut, ...). The report lists the event names the tool sends and the ' +
      'environment variables or settings that switch telemetry off, so an organisation can set them before allowing the tool.',
  },
};
