// Chat, webhooks, e-mail and SMS: Slack, Discord, Telegram, Teams, DingTalk, Feishu/Lark, WeCom,
// Google Chat, Twilio, SendGrid, Mailgun, Mailchimp, Brevo, Postmark, Mandrill, Resend.
import { HEX, UUID, assign, near, token } from '../build.ts';
import type { SecretRule } from '../types.ts';

const NOT_B64URL = '[A-Za-z0-9_-]';

export const CHAT_RULES: SecretRule[] = [
  token({
    id: 'slack-bot-token', description: 'Slack bot token (xoxb-)', severity: 'high',
    prefix: 'xoxb-', body: '\\d{10,13}-\\d{10,13}-[A-Za-z0-9]{16,34}', right: NOT_B64URL,
  }),
  token({
    id: 'slack-legacy-bot-token', description: 'Slack legacy bot token (xoxb- with two parts)', severity: 'high',
    prefix: 'xoxb-', body: '\\d{8,14}-(?:[A-Za-z0-9]{18,34}|\\d{10,14})', right: NOT_B64URL,
  }),
  token({
    id: 'slack-user-token', description: 'Slack user token (xoxp- / xoxe-)', severity: 'high',
    prefix: ['xoxp-', 'xoxe-'], body: '\\d{10,13}-\\d{9,13}-\\d{10,13}-[A-Za-z0-9]{28,34}', right: NOT_B64URL,
  }),
  token({
    id: 'slack-app-token', description: 'Slack app-level token (xapp-)', severity: 'high',
    prefix: 'xapp-', body: '\\d-[A-Z0-9]{9,12}-\\d{10,14}-[a-z0-9]{40,64}', left: '[A-Za-z0-9]', right: NOT_B64URL,
  }),
  token({
    id: 'slack-config-access-token', description: 'Slack app configuration access token (xoxe.xoxp- / xoxe.xoxb-)', severity: 'high',
    prefix: ['xoxe.xoxp-', 'xoxe.xoxb-'], body: '\\d-[A-Za-z0-9]{140,200}', right: NOT_B64URL,
  }),
  token({
    id: 'slack-config-refresh-token', description: 'Slack app configuration refresh token (xoxe-1-)', severity: 'high',
    prefix: 'xoxe-', body: '\\d-[A-Za-z0-9]{130,170}', right: NOT_B64URL,
  }),
  token({
    id: 'slack-legacy-workspace-token', description: 'Slack legacy workspace / refresh token (xoxa- / xoxr-)', severity: 'high',
    prefix: ['xoxa-', 'xoxr-'], body: '(?:\\d+-){1,4}(?:[a-f0-9]{8,64}|\\d{6,})', right: NOT_B64URL, entropy: 2.5,
  }),
  token({
    id: 'slack-legacy-token', description: 'Slack legacy token (xoxs- / xoxo-)', severity: 'high',
    prefix: ['xoxs-', 'xoxo-'], body: '(?:\\d+-){1,4}(?:[a-f0-9]{8,64}|\\d{6,})', right: NOT_B64URL, entropy: 2.5,
  }),
  near({
    id: 'slack-webhook-url', description: 'Slack incoming webhook / workflow URL', severity: 'high',
    keywords: ['hooks.slack.com/'], before: 10, after: 140, confidence: 0.95,
    value: '(?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[AB][A-Z0-9]{6,12}/(?:\\d{6,24}/)?[A-Za-z0-9]{20,34}(?![A-Za-z0-9])',
  }),
  near({
    id: 'discord-bot-token', description: 'Discord bot token near a Discord reference', severity: 'high',
    keywords: ['discord'], before: 200, after: 300,
    value: '(?<![A-Za-z0-9_.-])[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_.-])', entropy: 4,
  }),
  near({
    id: 'discord-webhook-url', description: 'Discord webhook URL', severity: 'high',
    keywords: ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'], before: 24, after: 110, confidence: 0.95,
    value: 'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d{17,20}/[A-Za-z0-9_-]{60,68}(?![A-Za-z0-9_-])',
  }),
  assign({
    id: 'discord-client-secret', description: 'Discord OAuth client secret in context', severity: 'high',
    names: ['discord'], value: '[A-Za-z0-9_-]{32}', entropy: 3.5,
  }),
  near({
    id: 'telegram-bot-token', description: 'Telegram Bot API token (<bot id>:AA…)', severity: 'high',
    keywords: [':aa'], before: 12, after: 40, confidence: 0.9,
    value: '(?<![A-Za-z0-9_:-])\\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])',
  }),
  near({
    id: 'teams-webhook-url', description: 'Microsoft Teams incoming webhook URL', severity: 'high',
    keywords: ['.webhook.office.com/'], before: 40, after: 260, confidence: 0.95,
    value: `https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/${UUID}@${UUID}/IncomingWebhook/[a-f0-9]{32}/${UUID}(?:/[A-Za-z0-9_-]{20,60})?`,
  }),
  near({
    id: 'teams-workflow-webhook-url', description: 'Power Automate / Teams workflow webhook URL with signature', severity: 'high',
    keywords: ['.logic.azure.com'], before: 40, after: 400,
    value: 'https://[a-z0-9.-]+\\.logic\\.azure\\.com(?::443)?/workflows/[a-f0-9]{32}/triggers/[^\\s"\'<>]{0,200}?[?&]sig=([A-Za-z0-9_-]{43})', group: 1,
  }),
  near({
    id: 'dingtalk-webhook-token', description: 'DingTalk robot webhook access token', severity: 'high',
    keywords: ['oapi.dingtalk.com/robot/send'], before: 0, after: 120,
    value: 'oapi\\.dingtalk\\.com/robot/send\\?access_token=([a-f0-9]{64})(?![a-f0-9])', group: 1,
  }),
  near({
    id: 'feishu-webhook-url', description: 'Feishu / Lark bot webhook URL', severity: 'high',
    keywords: ['/open-apis/bot/v2/hook/'], before: 40, after: 40,
    value: `https://open\\.(?:feishu\\.cn|larksuite\\.com)/open-apis/bot/v2/hook/(${UUID})`, group: 1,
  }),
  near({
    id: 'wecom-webhook-key', description: 'WeCom (WeChat Work) group robot webhook key', severity: 'high',
    keywords: ['qyapi.weixin.qq.com/cgi-bin/webhook/send'], before: 0, after: 100,
    value: `qyapi\\.weixin\\.qq\\.com/cgi-bin/webhook/send\\?key=(${UUID})`, group: 1,
  }),
  near({
    id: 'google-chat-webhook-url', description: 'Google Chat incoming webhook token', severity: 'high',
    keywords: ['chat.googleapis.com/v1/spaces/'], before: 0, after: 300,
    value: 'chat\\.googleapis\\.com/v1/spaces/[A-Za-z0-9_-]{6,20}/messages\\?key=[A-Za-z0-9_-]{39}&token=([A-Za-z0-9_-]{43}(?:%3D|=)?)', group: 1,
  }),
  near({
    id: 'zapier-webhook-url', description: 'Zapier catch-hook URL', severity: 'medium',
    keywords: ['hooks.zapier.com/hooks/catch/'], before: 10, after: 60,
    value: '(?:https://)?hooks\\.zapier\\.com/hooks/catch/\\d{4,12}/[a-z0-9]{6,12}/?', entropy: 3,
  }),
  near({
    id: 'twilio-api-key', description: 'Twilio API key SID (SK…) near a Twilio reference', severity: 'high',
    keywords: ['twilio'], before: 120, after: 200,
    value: '(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])',
  }),
  assign({
    id: 'twilio-auth-token', description: 'Twilio auth token in context', severity: 'critical',
    names: ['twilio'], value: HEX(32), entropy: 3.0,
  }),
  token({
    id: 'sendgrid-api-key', description: 'SendGrid API key (SG.)', severity: 'high',
    prefix: 'SG.', body: '[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}', left: '[A-Za-z0-9]', right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'mailgun-api-key', description: 'Mailgun private API key (key-)', severity: 'high',
    prefix: 'key-', body: HEX(32), left: '[A-Za-z0-9_-]', entropy: 3.2,
  }),
  assign({
    id: 'mailgun-signing-key', description: 'Mailgun webhook signing key / API key in context', severity: 'high',
    names: ['mailgun'], value: '[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}', entropy: 3.0,
  }),
  near({
    id: 'mailchimp-api-key', description: 'Mailchimp API key (32 hex + datacenter)', severity: 'high',
    keywords: ['-us'], before: 34, after: 3,
    value: '(?<![A-Za-z0-9])[a-f0-9]{32}-us\\d{1,2}(?![A-Za-z0-9])', entropy: 3.2, confidence: 0.9,
  }),
  token({ id: 'brevo-api-key', description: 'Brevo (Sendinblue) API key (xkeysib-)', severity: 'high', prefix: 'xkeysib-', body: `${HEX(64)}-[A-Za-z0-9]{16}` }),
  token({ id: 'brevo-smtp-key', description: 'Brevo (Sendinblue) SMTP key (xsmtpsib-)', severity: 'high', prefix: 'xsmtpsib-', body: `${HEX(64)}-[A-Za-z0-9]{16}` }),
  assign({ id: 'postmark-server-token', description: 'Postmark server / account token in context', severity: 'high', names: ['postmark'], value: UUID }),
  assign({ id: 'mandrill-api-key', description: 'Mailchimp Transactional (Mandrill) API key in context', severity: 'high', names: ['mandrill'], value: '[A-Za-z0-9_-]{22}', entropy: 3.5 }),
  assign({ id: 'resend-api-key', description: 'Resend API key in context', severity: 'high', names: ['resend'], value: 're_[A-Za-z0-9_]{20,40}', entropy: 3.5 }),
  assign({ id: 'vonage-api-secret', description: 'Vonage (Nexmo) API secret in context', severity: 'high', names: ['nexmo', 'vonage'], value: '[A-Za-z0-9]{16}', entropy: 3.0 }),
];
