import type { Rule } from '../rule.ts';

const HOOKS = ['preinstall', 'install', 'postinstall', 'prepare'];
const RISKY = /\b(curl|wget|node\s+-e|eval|https?:\/\/|powershell|bash\s+-c|sh\s+-c)\b/i;

export const rule: Rule = {
  meta: {
    id: 'pkg-install-script',
    category: 'package',
    severity: 'medium',
    title: 'Install script',
    explanation:
      'The package runs a script when it is installed (preinstall, install, postinstall, prepare) or builds native code with node-gyp. ' +
      'Install scripts run with the developer\'s rights before anyone reviews the tool; high when the script downloads or evaluates code.',
  },
  pkg(pkg, files, report) {
    const scripts = (pkg.manifest?.scripts ?? {}) as Record<string, unknown>;
    for (const hook of HOOKS) {
      const cmd = scripts[hook];
      if (typeof cmd !== 'string') continue;
      report({
        rule: 'pkg-install-script',
        severity: RISKY.test(cmd) ? 'high' : 'medium',
        message: `runs "${hook}" at install: ${cmd.slice(0, 200)}`,
        file: pkg.manifestPath ?? 'package.json',
        excerpt: `"${hook}": ${JSON.stringify(cmd.slice(0, 200))}`,
        data: { hook, command: cmd },
      });
    }
    const gyp = files.find((f) => f.path === 'binding.gyp' || f.path.endsWith('/binding.gyp'));
    if (gyp && typeof scripts.install !== 'string') {
      report({ rule: 'pkg-install-script', severity: 'low', message: 'builds native code at install (binding.gyp, node-gyp rebuild).', file: gyp.path, excerpt: 'binding.gyp', data: { hook: 'install', command: 'node-gyp rebuild' } });
    }
  },
};
