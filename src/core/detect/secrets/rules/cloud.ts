// Cloud providers: AWS, Google Cloud, Azure, Alibaba, Tencent, Huawei, IBM, Oracle and
// infrastructure hosts. Formats from each provider's documentation of its key formats.
import { ALNUM, B64URL, HEX, UUID, assign, near, token } from '../build.ts';
import type { SecretRule } from '../types.ts';
import { privateKeyBody } from '../validators.ts';

const B64 = '[A-Za-z0-9+/]';

export const CLOUD_RULES: SecretRule[] = [
  token({
    id: 'aws-access-key', description: 'AWS access key id (long-term AKIA, temporary ASIA, and other IAM prefixes)', severity: 'high',
    prefix: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AIDA', 'AROA', 'AGPA', 'ANPA', 'ANVA', 'APKA', 'AIPA'],
    body: '[A-Z2-7]{16}', left: '[A-Za-z0-9]', right: '[A-Za-z0-9]',
  }),
  assign({
    id: 'aws-secret-key', description: 'AWS secret access key assigned to an AWS-named variable', severity: 'critical',
    names: ['aws'], nameTail: '[\\w.-]{0,20}?(?:[sS][eE][cC][rR][eE][tT]|_[sS][kK])[\\w.-]{0,20}?',
    value: `${B64}{40}`, end: '(?![A-Za-z0-9+/=])', entropy: 3.8, confidence: 0.95,
  }),
  assign({
    id: 'aws-session-token', description: 'AWS STS session token', severity: 'high',
    names: ['aws_session_token', 'aws-session-token', 'awssessiontoken', 'x-amz-security-token'],
    nameTail: '', value: `${B64}{100,2000}={0,2}`, end: '(?![A-Za-z0-9+/=])', entropy: 4,
  }),
  token({
    id: 'aws-bedrock-api-key', description: 'Amazon Bedrock long-term API key (ABSK + base64 "BedrockAPIKey-")', severity: 'high',
    prefix: 'ABSKQmVkcm9ja0FQSUtleS', body: `${B64}{40,400}={0,2}`, right: '[A-Za-z0-9+/=]',
  }),
  token({
    id: 'aws-bedrock-short-term-key', description: 'Amazon Bedrock short-term API key (presigned, base64 of bedrock.amazonaws.com)', severity: 'high',
    prefix: 'bedrock-api-key-', body: `YmVkcm9jay5hbWF6b25hd3MuY29t${B64}{40,4000}={0,2}`, right: '[A-Za-z0-9+/=]',
  }),
  token({
    id: 'aws-mws-key', description: 'Amazon Marketplace Web Service auth token', severity: 'high',
    prefix: 'amzn.mws.', body: UUID,
  }),
  token({
    id: 'gcp-api-key', description: 'Google Cloud / Firebase / Gemini API key (AIzaSy…)', severity: 'high',
    prefix: 'AIzaSy', body: B64URL(33), right: '[A-Za-z0-9_-]',
  }),
  near({
    id: 'gcp-service-account-key', description: 'Google service-account JSON private_key', severity: 'critical',
    keywords: ['"private_key"'], before: 2, after: 8000,
    value: '"private_key"\\s*:\\s*"(-----BEGIN (?:RSA )?PRIVATE KEY-----(?:\\\\n|[A-Za-z0-9+/=\\r\\n])+-----END (?:RSA )?PRIVATE KEY-----(?:\\\\n)?)"',
    group: 1, validate: (s) => privateKeyBody(s), confidence: 0.98,
  }),
  token({
    id: 'gcp-oauth-client-secret', description: 'Google OAuth client secret (GOCSPX-)', severity: 'high',
    prefix: 'GOCSPX-', body: B64URL(28), right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'gcp-oauth-access-token', description: 'Google OAuth 2.0 access token (ya29.)', severity: 'high',
    prefix: 'ya29.', body: B64URL('30,2000'), right: '[A-Za-z0-9_.-]', entropy: 3.5,
  }),
  token({
    id: 'gcp-oauth-refresh-token', description: 'Google OAuth 2.0 refresh token (1//0…)', severity: 'high',
    prefix: ['1//0'], body: B64URL('40,300'), left: '[A-Za-z0-9_/:]', right: '[A-Za-z0-9_-]', entropy: 3.5,
  }),
  token({
    id: 'azure-storage-account-key', description: 'Azure Storage / Cosmos DB account key in a connection string', severity: 'critical',
    prefix: 'AccountKey=', body: `${B64}{86}==`, ciPrefix: true, left: '', right: '[A-Za-z0-9+/=]',
  }),
  assign({
    id: 'azure-storage-key', description: 'Azure Storage account key assigned to an Azure-named variable', severity: 'critical',
    names: ['azure', 'storage_account_key', 'storageaccountkey', 'account_key', 'accountkey'],
    value: `${B64}{86}==`, end: '(?![A-Za-z0-9+/=])', entropy: 4,
  }),
  token({
    id: 'azure-shared-access-key', description: 'Azure Service Bus / Event Hubs / IoT Hub SharedAccessKey', severity: 'high',
    prefix: 'SharedAccessKey=', body: `${B64}{43}=`, ciPrefix: true, left: '', right: '[A-Za-z0-9+/=]',
  }),
  near({
    id: 'azure-sas-token', description: 'Azure shared access signature (sv=…&sig=…)', severity: 'high',
    keywords: ['sig='], before: 2, after: 80,
    value: '[?&;]sig=([A-Za-z0-9%/+]{40,80}(?:%3[dD]|=){0,2})(?![A-Za-z0-9%/+=])', group: 1,
    validate: (_s, c) => (/[?&;]sv=\d{4}-\d\d-\d\d/.test(c.text.slice(Math.max(0, c.start - 600), c.end + 600)) ? 0.9 : false),
  }),
  near({
    id: 'azure-ad-client-secret', description: 'Microsoft Entra ID (Azure AD) application client secret (…Q~…)', severity: 'high',
    keywords: ['q~'], before: 6, after: 40,
    value: '(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])', entropy: 3.5, confidence: 0.9,
  }),
  near({
    id: 'azure-devops-pat', description: 'Azure DevOps personal access token (84 characters, AZDO signature)', severity: 'high',
    keywords: ['azdo'], before: 80, after: 10,
    value: '(?<![A-Za-z0-9])[A-Za-z0-9]{52}JQQJ9[A-Za-z0-9]{19}AZDO[A-Za-z0-9]{4}(?![A-Za-z0-9])',
  }),
  assign({
    id: 'azure-devops-pat-legacy', description: 'Azure DevOps 52-character personal access token in context', severity: 'high',
    names: ['azure_devops', 'azuredevops', 'azure-devops', 'ado_pat', 'ado_token', 'devops_pat', 'system_accesstoken'],
    value: '[a-z2-7]{52}', entropy: 3.8,
  }),
  assign({
    id: 'azure-client-secret', description: 'Azure client secret assigned to an Azure-named variable', severity: 'high',
    names: ['azure_client_secret', 'azureclientsecret', 'azure-client-secret', 'arm_client_secret'],
    nameTail: '', value: '[A-Za-z0-9_~.-]{32,44}', entropy: 3.5,
  }),
  token({
    id: 'alibaba-access-key-id', description: 'Alibaba Cloud AccessKey ID (LTAI)', severity: 'high',
    prefix: 'LTAI', body: ALNUM('12,20'), left: '[A-Za-z0-9]', right: '[A-Za-z0-9]', entropy: 3,
  }),
  assign({
    id: 'alibaba-access-key-secret', description: 'Alibaba Cloud AccessKey secret in context', severity: 'critical',
    names: ['aliyun', 'alibaba', 'alicloud', 'accesskeysecret', 'access_key_secret'], value: ALNUM(30), entropy: 3.8,
  }),
  token({
    id: 'tencent-secret-id', description: 'Tencent Cloud SecretId (AKID)', severity: 'high',
    prefix: 'AKID', body: ALNUM(32), left: '[A-Za-z0-9]', right: '[A-Za-z0-9]', entropy: 3.5,
  }),
  assign({
    id: 'tencent-secret-key', description: 'Tencent Cloud SecretKey in context', severity: 'critical',
    names: ['tencent', 'qcloud', 'tencentcloud', 'tc_secret', 'tccli_secret'], value: ALNUM(32), entropy: 3.8,
  }),
  assign({
    id: 'huawei-cloud-access-key', description: 'Huawei Cloud access key (AK) in context', severity: 'medium',
    names: ['huawei', 'hwcloud', 'huaweicloud', 'hw_access'], value: '[A-Z0-9]{20}', entropy: 3.2,
  }),
  assign({
    id: 'huawei-cloud-secret-key', description: 'Huawei Cloud secret access key (SK) in context', severity: 'critical',
    names: ['huawei', 'hwcloud', 'huaweicloud', 'hw_secret'], value: ALNUM(40), entropy: 3.8,
  }),
  assign({
    id: 'ibm-cloud-api-key', description: 'IBM Cloud IAM API key in context', severity: 'high',
    names: ['ibm', 'ibmcloud', 'bluemix'], value: B64URL(44), entropy: 3.8,
  }),
  assign({
    id: 'oracle-oci-fingerprint-key', description: 'Oracle Cloud API key passphrase in an OCI config', severity: 'medium',
    names: ['oci_cli_passphrase', 'pass_phrase', 'oci_passphrase'], nameTail: '', value: '[^\\s\'"]{8,128}', entropy: 3,
  }),
  token({
    id: 'digitalocean-pat', description: 'DigitalOcean personal access token (dop_v1_)', severity: 'high',
    prefix: 'dop_v1_', body: HEX(64),
  }),
  token({
    id: 'digitalocean-oauth-token', description: 'DigitalOcean OAuth access token (doo_v1_)', severity: 'high',
    prefix: 'doo_v1_', body: HEX(64),
  }),
  token({
    id: 'digitalocean-refresh-token', description: 'DigitalOcean OAuth refresh token (dor_v1_)', severity: 'high',
    prefix: 'dor_v1_', body: HEX(64),
  }),
  assign({
    id: 'linode-token', description: 'Linode / Akamai Cloud personal access token in context', severity: 'high',
    names: ['linode'], value: '[a-f0-9]{64}', entropy: 3.5,
  }),
  assign({
    id: 'vultr-api-key', description: 'Vultr API key in context', severity: 'high',
    names: ['vultr'], value: '[A-Z0-9]{36}', entropy: 3.5,
  }),
  assign({
    id: 'hetzner-api-token', description: 'Hetzner Cloud API token in context', severity: 'high',
    names: ['hetzner', 'hcloud'], value: ALNUM(64), entropy: 4,
  }),
  token({
    id: 'scaleway-secret-key-context', description: 'Scaleway access key (SCW…)', severity: 'medium',
    prefix: 'SCW', body: '[A-Z0-9]{17}', left: '[A-Za-z0-9]', right: '[A-Za-z0-9]', entropy: 3,
  }),
  assign({
    id: 'heroku-api-key', description: 'Heroku API key (UUID) in context', severity: 'high',
    names: ['heroku'], value: UUID,
  }),
  token({
    id: 'heroku-api-key-v2', description: 'Heroku API key (HRKU-)', severity: 'high',
    prefix: 'HRKU-', body: B64URL(60), right: '[A-Za-z0-9_-]',
  }),
  token({
    id: 'openshift-user-token', description: 'OpenShift user / OAuth access token (sha256~)', severity: 'high',
    prefix: 'sha256~', body: B64URL(43), right: '[A-Za-z0-9_-]',
  }),
];
