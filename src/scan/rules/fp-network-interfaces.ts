import { readRule } from '../rule-helpers.ts';

export const rule = readRule({
  id: 'fp-network-interfaces',
  category: 'fingerprint',
  severity: 'low',
  title: 'Reads network interfaces or MAC addresses',
  explanation: 'Reads network interfaces or MAC addresses (os.networkInterfaces(), getmac, ifconfig). A MAC address identifies the machine; rarely needed by a coding tool except to build a device id.',
}, ['network']);
