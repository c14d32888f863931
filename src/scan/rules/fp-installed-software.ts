import { readRule } from '../rule-helpers.ts';

export const rule = readRule({
  id: 'fp-installed-software',
  category: 'fingerprint',
  severity: 'medium',
  title: 'Lists installed software',
  explanation: 'Enumerates installed software (dpkg -l, rpm -qa, brew list, the Windows uninstall registry, /Applications). A coding tool rarely needs this; the list fingerprints the user and the organisation.',
}, ['software']);
