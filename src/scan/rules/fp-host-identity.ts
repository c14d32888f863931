import { readRule } from '../rule-helpers.ts';

export const rule = readRule({
  id: 'fp-host-identity',
  category: 'fingerprint',
  severity: 'low',
  title: 'Reads the host or user name',
  explanation: 'Reads the host name, the user name or the Windows domain (os.hostname(), os.userInfo(), USER, COMPUTERNAME, USERDOMAIN). These often contain the company or the person; check where the value goes.',
}, ['hostname', 'username']);
