// Client identification: User-Agent and well-known headers become {tool, version}.
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientInfo } from '../core/types.ts';

interface UaRule {
  tool: string;
  re: RegExp; // group 1: version
}

// Ordered: coding CLIs first (they also embed SDK tokens), then SDKs.
const UA_RULES: UaRule[] = [
  { tool: 'claude-cli', re: /\bclaude-cli\/(\d[\w.+-]*)/i },
  { tool: 'claude-code', re: /\bclaude-code\/(\d[\w.+-]*)/i },
  { tool: 'qwen-code', re: /\bQwen[- ]?Code\/(\d[\w.+-]*)/i },
  { tool: 'codex', re: /\bcodex(?:_cli_rs|_exec|-cli|_vscode)?\/(\d[\w.+-]*)/i },
  { tool: 'opencode', re: /\bopencode\/(\d[\w.+-]*)/i },
  { tool: 'gemini-cli', re: /\bGeminiCLI\/(\d[\w.+-]*)/i },
  { tool: 'aider', re: /\baider\/(\d[\w.+-]*)/i },
  { tool: 'cursor', re: /\bCursor\/(\d[\w.+-]*)/i },
  { tool: 'cline', re: /\bCline\/(\d[\w.+-]*)/i },
  { tool: 'continue', re: /\bContinue\/(\d[\w.+-]*)/i },
  { tool: 'anthropic-sdk-typescript', re: /\bAnthropic\/JS (\d[\w.+-]*)/ },
  { tool: 'anthropic-sdk-python', re: /\bAnthropic\/Python (\d[\w.+-]*)/ },
  { tool: 'openai-sdk-typescript', re: /\bOpenAI\/JS (\d[\w.+-]*)/ },
  { tool: 'openai-sdk-python', re: /\bOpenAI\/Python (\d[\w.+-]*)/ },
  { tool: 'curl', re: /^curl\/(\d[\w.+-]*)/ },
];

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function identifyClient(headers: IncomingHttpHeaders): ClientInfo {
  const ua = first(headers['user-agent']) ?? '';
  for (const r of UA_RULES) {
    const m = r.re.exec(ua);
    if (m !== null) return { tool: r.tool, version: m[1] ?? null };
  }
  // Codex sends its name in `originator`.
  const originator = first(headers['originator']);
  if (originator !== undefined && originator !== '') return { tool: originator.replace(/_cli_rs$/, '').toLowerCase(), version: null };
  // Unknown tool: keep its product token (name/version) so policy can still match it. A tool
  // built on an official SDK still names itself here, before the SDK's x-stainless-* headers.
  const m = /^([A-Za-z][\w.-]{0,40})(?:\/(\d[\w.+-]{0,30}))?/.exec(ua);
  if (m !== null) return { tool: m[1]!.toLowerCase(), version: m[2] ?? null };
  const lang = first(headers['x-stainless-lang']);
  const pkg = first(headers['x-stainless-package-version']);
  if (lang !== undefined && pkg !== undefined) return { tool: `stainless-sdk-${lang}`, version: pkg };
  return { tool: 'unknown', version: null };
}
