import { readRule } from '../rule-helpers.ts';

export const rule = readRule({
  id: 'fp-proxy-read',
  category: 'fingerprint',
  severity: 'info',
  title: 'Reads proxy settings',
  explanation: 'Reads HTTP(S)_PROXY, NO_PROXY or ALL_PROXY. Routine for tools that honour corporate proxies; it matters when compared with company-specific hosts or sent out.',
}, ['proxy']);
