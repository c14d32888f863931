import type { Rule } from '../rule.ts';

const SPAWN = new Set(['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'execa', 'execaSync', 'execaCommand']);
const NET_TOOL = /(^|[\s;&|(`'"])(curl|wget|nc|ncat|netcat|socat|ssh|scp|sftp|telnet|ftp|tftp|nslookup|dig|Invoke-WebRequest|Invoke-RestMethod|iwr|irm|bitsadmin|certutil)(\.exe)?(?=$|[\s;&|)`'"])/i;
const PIPE_TO_SHELL = /\|\s*(sh|bash|zsh|node|python3?|powershell|iex)\b|\biex\b|Invoke-Expression/i;

export const rule: Rule = {
  meta: {
    id: 'exec-network-tool',
    category: 'dynamic-code',
    severity: 'medium',
    title: 'Spawns a network tool',
    explanation:
      'Starts curl, wget, nc, ssh, PowerShell web cmdlets or similar from code. Traffic sent this way bypasses the tool\'s own HTTP ' +
      'stack (and a gateway configured for it). High when the download is piped into a shell.',
  },
  visit: {
    CallExpression(s, a) {
      const name = s.name;
      if (!name || !SPAWN.has(name) || s.node.arguments.length === 0) return;
      const v0 = a.evaluate(s.node.arguments[0], s.scope);
      if (typeof v0 !== 'string') return;
      let cmd = v0;
      const v1 = s.node.arguments[1] ? a.evaluate(s.node.arguments[1], s.scope) : undefined;
      if (Array.isArray(v1) && v1.every((x) => typeof x === 'string')) cmd += ' ' + (v1 as string[]).join(' ');
      const m = NET_TOOL.exec(cmd);
      if (!m) return;
      const piped = PIPE_TO_SHELL.test(cmd);
      a.report(rule, {
        node: s.node,
        severity: piped ? 'high' : 'medium',
        message: `runs ${m[2]}${piped ? ' and pipes the download into an interpreter' : ''}: ${JSON.stringify(cmd.slice(0, 160))}`,
        data: { command: cmd.slice(0, 500), tool: m[2] },
      });
    },
  },
};
