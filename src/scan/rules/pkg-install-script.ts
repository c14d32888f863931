import type { Rule } from '../rule.ts';
import { maskText } from '../excerpt.ts';

// What npm runs when the package is installed from the registry as a dependency or a global tool.
const HOOKS = ['preinstall', 'install', 'postinstall'];
// Lifecycle scripts npm runs only on the publisher's side: `npm pack` and `npm publish`, a local
// `npm install` with no package argument in the package's own checkout, or a git dependency
// (which npm packs first). Installing the registry tarball does not run them; publish guards
// (`node -e "if (!process.env.AUTHORIZED) …"`) and git-hook setup (`husky`) live here.
const NOT_AT_INSTALL = ['preprepare', 'prepare', 'postprepare', 'prepublish', 'prepublishOnly', 'prepack', 'postpack'];
const RISKY = /\b(curl|wget|node\s+-e|eval|https?:\/\/|powershell|bash\s+-c|sh\s+-c)\b/i;

export const rule: Rule = {
  meta: {
    id: 'pkg-install-script',
    category: 'package',
    severity: 'medium',
    title: 'Install script',
    explanation:
      'The package runs a script when it is installed (preinstall, install, postinstall) or builds native code with node-gyp. ' +
      'Install scripts run with the developer\'s rights before anyone reviews the tool; high when the script downloads or evaluates code. ' +
      'prepare, prepublish, prepack and postpack are listed as info: npm runs them when the package is packed or published, ' +
      'installed from git or from its own checkout, not when it is installed from the registry.',
  },
  pkg(pkg, files, report) {
    const scripts = (pkg.manifest?.scripts ?? {}) as Record<string, unknown>;
    const file = pkg.manifestPath ?? 'package.json';
    for (const hook of [...HOOKS, ...NOT_AT_INSTALL]) {
      const cmd = scripts[hook];
      if (typeof cmd !== 'string') continue;
      const shown = maskText(cmd.slice(0, 200));
      const atInstall = HOOKS.includes(hook);
      report({
        rule: 'pkg-install-script',
        severity: !atInstall ? 'info' : RISKY.test(cmd) ? 'high' : 'medium',
        message: atInstall
          ? `runs "${hook}" at install: ${shown}`
          : `has a "${hook}" script, which npm does not run when the package is installed from the registry (only on pack or publish, a git install or a local install in its checkout): ${shown}`,
        file,
        excerpt: `"${hook}": ${JSON.stringify(shown)}`,
        data: { hook, command: maskText(cmd), atInstall },
      });
    }
    const gyp = files.find((f) => f.path === 'binding.gyp' || f.path.endsWith('/binding.gyp'));
    if (gyp && typeof scripts.install !== 'string') {
      report({ rule: 'pkg-install-script', severity: 'low', message: 'builds native code at install (binding.gyp, node-gyp rebuild).', file: gyp.path, excerpt: 'binding.gyp', data: { hook: 'install', command: 'node-gyp rebuild', atInstall: true } });
    }
  },
};
