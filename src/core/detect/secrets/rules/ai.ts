// AI and model-provider keys: the credentials an AI coding assistant is most likely to see.
import { ALNUM, B64URL, HEX, assign, near, token } from '../build.ts';
import type { SecretRule } from '../types.ts';

/** OpenAI keys embed the base64 of "OpenAI" (T3BlbkFJ) between two random halves. */
const OPENAI_BODY = '[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}';

export const AI_RULES: SecretRule[] = [
  token({
    id: 'anthropic-api-key', description: 'Anthropic API key (sk-ant-api03-)', severity: 'critical',
    prefix: 'sk-ant-api03-', body: `${B64URL(93)}AA`, right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'anthropic-admin-key', description: 'Anthropic Admin API key (sk-ant-admin01-)', severity: 'critical',
    prefix: 'sk-ant-admin01-', body: `${B64URL(93)}AA`, right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'anthropic-oauth-token', description: 'Anthropic OAuth access or refresh token (sk-ant-oat01- / sk-ant-ort01-)', severity: 'critical',
    prefix: ['sk-ant-oat01-', 'sk-ant-ort01-'], body: B64URL('80,120'), right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'openai-project-key', description: 'OpenAI project API key (sk-proj-)', severity: 'critical',
    prefix: 'sk-proj-', body: OPENAI_BODY, right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'openai-service-account-key', description: 'OpenAI service-account key (sk-svcacct-)', severity: 'critical',
    prefix: 'sk-svcacct-', body: OPENAI_BODY, right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'openai-admin-key', description: 'OpenAI admin key (sk-admin-)', severity: 'critical',
    prefix: 'sk-admin-', body: OPENAI_BODY, right: '[A-Za-z0-9_-]',
  }),
  near({
    id: 'openai-api-key', description: 'OpenAI user API key (legacy sk-…T3BlbkFJ…)', severity: 'critical',
    keywords: ['t3blbkfj'], before: 26, after: 30,
    value: '(?<![A-Za-z0-9_-])sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}(?![A-Za-z0-9_-])', confidence: 0.95,
  }),
  token({
    id: 'openrouter-api-key', description: 'OpenRouter API key (sk-or-v1-)', severity: 'high',
    prefix: 'sk-or-v1-', body: HEX(64),
  }),
  assign({
    id: 'dashscope-api-key', description: 'Alibaba Model Studio / DashScope (Qwen) API key in context', severity: 'high',
    names: ['dashscope', 'qwen', 'bailian', 'modelstudio'], value: 'sk-[a-f0-9]{32}',
  }),
  assign({
    id: 'deepseek-api-key', description: 'DeepSeek API key in context', severity: 'high',
    names: ['deepseek'], value: 'sk-[a-f0-9]{32}',
  }),
  token({
    id: 'sk-hex-api-key', description: 'OpenAI-compatible provider key (sk- + 32 hex: DashScope, DeepSeek, others)', severity: 'high',
    prefix: 'sk-', body: '[a-f0-9]{32}', left: '[A-Za-z0-9_-]', right: '[A-Za-z0-9_-]', confidence: 0.8, entropy: 3.2,
  }),
  assign({
    id: 'moonshot-api-key', description: 'Moonshot / Kimi API key in context', severity: 'high',
    names: ['moonshot', 'kimi'], value: 'sk-[A-Za-z0-9]{48}',
  }),
  assign({
    id: 'gemini-api-key', description: 'Google Gemini API key assigned to a Gemini-named variable', severity: 'high',
    names: ['gemini', 'google_api_key', 'google_genai', 'googleai'], value: 'AIza[A-Za-z0-9_-]{35}', confidence: 0.95,
  }),
  token({
    id: 'huggingface-token', description: 'Hugging Face user access token (hf_)', severity: 'high',
    prefix: 'hf_', body: '[A-Za-z]{34}', left: '[A-Za-z0-9_-]', right: '[A-Za-z0-9_-]', entropy: 3.5,
  }),
  token({
    id: 'huggingface-org-token', description: 'Hugging Face organization API token (api_org_)', severity: 'high',
    prefix: 'api_org_', body: '[A-Za-z]{34}', left: '[A-Za-z0-9_-]', right: '[A-Za-z0-9_-]', entropy: 3.5,
  }),
  token({
    id: 'groq-api-key', description: 'Groq API key (gsk_)', severity: 'high',
    prefix: 'gsk_', body: ALNUM(52), left: '[A-Za-z0-9]',
  }),
  token({
    id: 'replicate-api-token', description: 'Replicate API token (r8_)', severity: 'high',
    prefix: 'r8_', body: ALNUM(37),
  }),
  token({
    id: 'perplexity-api-key', description: 'Perplexity API key (pplx-)', severity: 'high',
    prefix: 'pplx-', body: ALNUM(48),
  }),
  token({
    id: 'xai-api-key', description: 'xAI (Grok) API key (xai-)', severity: 'high',
    prefix: 'xai-', body: ALNUM(80),
  }),
  assign({
    id: 'mistral-api-key', description: 'Mistral AI API key in context', severity: 'high',
    names: ['mistral'], value: ALNUM(32), entropy: 3.8,
  }),
  assign({
    id: 'cohere-api-key', description: 'Cohere API key in context', severity: 'high',
    names: ['cohere', 'co_api_key'], value: ALNUM(40), entropy: 3.8,
  }),
  token({
    id: 'fireworks-api-key', description: 'Fireworks AI API key (fw_)', severity: 'high',
    prefix: 'fw_', body: ALNUM(24), entropy: 3.8,
  }),
  assign({
    id: 'together-api-key', description: 'Together AI API key in context', severity: 'high',
    names: ['together'], value: '(?:tgp_v1_[A-Za-z0-9_-]{43}|[a-f0-9]{64})', entropy: 3.5,
  }),
  token({
    id: 'cerebras-api-key', description: 'Cerebras API key (csk-)', severity: 'high',
    prefix: 'csk-', body: '[a-z0-9]{48}', entropy: 3.8,
  }),
  token({
    id: 'nvidia-api-key', description: 'NVIDIA NGC / build.nvidia.com API key (nvapi-)', severity: 'high',
    prefix: 'nvapi-', body: B64URL(64), right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'langsmith-api-key', description: 'LangSmith API key (lsv2_pt_ / lsv2_sk_)', severity: 'high',
    prefix: ['lsv2_pt_', 'lsv2_sk_'], body: '[a-f0-9]{32}_[a-f0-9]{10}',
  }),
  token({
    id: 'langfuse-secret-key', description: 'Langfuse secret key (sk-lf-)', severity: 'high',
    prefix: 'sk-lf-', body: '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}', right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'pinecone-api-key', description: 'Pinecone API key (pcsk_)', severity: 'high',
    prefix: 'pcsk_', body: '[A-Za-z0-9]{5,6}_[A-Za-z0-9]{50,70}',
  }),
  token({
    id: 'tavily-api-key', description: 'Tavily API key (tvly-)', severity: 'high',
    prefix: ['tvly-dev-', 'tvly-prod-', 'tvly-'], body: ALNUM(32),
  }),
  assign({
    id: 'elevenlabs-api-key', description: 'ElevenLabs API key in context', severity: 'high',
    names: ['elevenlabs', 'eleven_labs', 'xi-api-key', 'xi_api_key'], value: '(?:sk_[a-f0-9]{48}|[a-f0-9]{32})',
  }),
  assign({
    id: 'assemblyai-api-key', description: 'AssemblyAI API key in context', severity: 'high',
    names: ['assemblyai', 'assembly_ai'], value: '[a-f0-9]{32}', entropy: 3.0,
  }),
  assign({
    id: 'deepgram-api-key', description: 'Deepgram API key in context', severity: 'high',
    names: ['deepgram'], value: '[a-f0-9]{40}', entropy: 3.0,
  }),
  assign({
    id: 'wandb-api-key', description: 'Weights & Biases API key in context', severity: 'high',
    names: ['wandb'], value: '[a-f0-9]{40}', entropy: 3.0,
  }),
  assign({
    id: 'voyage-api-key', description: 'Voyage AI API key in context', severity: 'high',
    names: ['voyage'], value: 'pa-[A-Za-z0-9_-]{40,48}', entropy: 3.5,
  }),
  assign({
    id: 'azure-openai-key', description: 'Azure OpenAI / AI Services key in context', severity: 'high',
    names: ['azure_openai', 'azureopenai', 'azure-openai', 'aoai', 'azure_ai'], value: '[a-fA-F0-9]{32}|[A-Za-z0-9]{84}', entropy: 3.0,
  }),
  near({
    id: 'zhipu-api-key', description: 'Zhipu AI (GLM / BigModel) API key in context', severity: 'high',
    keywords: ['zhipu', 'bigmodel', 'glm_'], before: 0, after: 120,
    value: '(?<![A-Za-z0-9])[a-f0-9]{32}\\.[A-Za-z0-9]{16}(?![A-Za-z0-9])',
  }),
];
