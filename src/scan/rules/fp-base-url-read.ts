import { readRule } from '../rule-helpers.ts';

export const rule = readRule({
  id: 'fp-base-url-read',
  category: 'fingerprint',
  severity: 'info',
  title: 'Reads the configured API base URL',
  explanation: 'Reads a *_BASE_URL or *_API_URL setting. Routine to know where to send requests; it matters when its host is compared with lists of gateways, resellers or companies, or reported to the vendor.',
}, ['base-url']);
