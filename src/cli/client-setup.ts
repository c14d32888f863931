// What to give each kind of client so that it talks to the gateway: printed by `serve` at start
// and by `keys create`. Codex CLI reads no base-URL variable, so it gets a line of its config.
export interface SetupOptions {
  /** The gateway holds the provider key for the dialect (managed), or the client's is passed through. */
  anthropicManaged: boolean;
  openaiManaged: boolean;
}

export function clientSetup(base: string, key: string, o: SetupOptions): string[] {
  const openaiKey = o.openaiManaged ? key : `${key}:<your OpenAI key>`;
  const passNote = o.openaiManaged ? '' : '   # both keys in one: the provider key is passed through';
  return [
    '  Claude Code / Anthropic SDK:',
    `    export ANTHROPIC_BASE_URL=${base}`,
    ...(o.anthropicManaged
      ? [`    export ANTHROPIC_API_KEY=${key}`]
      : ['    export ANTHROPIC_API_KEY=<your Anthropic key>   # passed through', `    export ANTHROPIC_CUSTOM_HEADERS="x-airlock-key: ${key}"`]),
    '  Qwen Code, OpenCode / OpenAI SDK:',
    `    export OPENAI_BASE_URL=${base}/v1`,
    `    export OPENAI_API_KEY=${openaiKey}${passNote}`,
    // A key appended after a [table] of the file would belong to that table: it goes at the top.
    '  Codex CLI (it reads no base-URL variable): at the top of ~/.codex/config.toml, before any [table],',
    `    openai_base_url = "${base}/v1"`,
    `    export CODEX_API_KEY=${openaiKey}${passNote}`,
  ];
}
