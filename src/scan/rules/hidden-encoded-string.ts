// Single encoded values (an endpoint, a host, a zone). Detected together with encoded lists by
// hidden-encoded-list, which reports single values under this id.
import type { Rule } from '../rule.ts';

export const rule: Rule = {
  meta: {
    id: 'hidden-encoded-string',
    category: 'hidden-list',
    severity: 'medium',
    title: 'Encoded URL, host name or time-zone name',
    explanation:
      'A single value that decodes to a URL, host name, time-zone name, locale tag or IP range. Hiding an endpoint or a region name from ' +
      'plain view is a common way to keep a check or a destination out of reviews; the decoded value is shown.',
  },
};
