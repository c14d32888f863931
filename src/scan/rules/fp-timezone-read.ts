import { readRule } from '../rule-helpers.ts';

export const rule = readRule({
  id: 'fp-timezone-read',
  category: 'fingerprint',
  severity: 'info',
  title: 'Reads the time zone',
  explanation: 'Reads the time zone (Intl resolvedOptions().timeZone, Date#getTimezoneOffset, TZ). Routine for logging and date display; it matters when the value is compared with region-specific zones or sent out, which other rules report.',
}, ['timezone']);
