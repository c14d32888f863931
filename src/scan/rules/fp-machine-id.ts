import { readRule } from '../rule-helpers.ts';

export const rule = readRule({
  id: 'fp-machine-id',
  category: 'fingerprint',
  severity: 'medium',
  title: 'Reads a machine id',
  explanation: 'Reads a persistent machine identifier (/etc/machine-id, IOPlatformUUID, the Windows MachineGuid, node-machine-id). This identifies the computer across tools and reinstalls; check that the tool documents why.',
}, ['machine-id']);
