import { readRule } from '../rule-helpers.ts';

export const rule = readRule({
  id: 'fp-locale-read',
  category: 'fingerprint',
  severity: 'info',
  title: 'Reads the locale',
  explanation: 'Reads the language and region (Intl locale, LANG, LC_ALL, navigator.language). Routine for choosing a UI language; it matters when compared with country-specific tags or sent out.',
}, ['locale']);
