// Private keys and signed tokens: PEM (RSA, EC, DSA, PKCS#8, encrypted), OpenSSH, PGP, PuTTY,
// age, JWTs, and raw secp256k1 keys near wallet words.
import { near, token } from '../build.ts';
import { isKnownExample, isPlaceholder } from '../placeholder.ts';
import type { SecretRule } from '../types.ts';
import { base64PrivateKey, jwtHeader, privateKeyBody } from '../validators.ts';

/**
 * Body of an armoured block: base64 lines, header lines (Proc-Type, DEK-Info, Comment) and
 * JSON-escaped newlines. A '-' only when not the start of the END line, so the body stops there
 * without backtracking. The END line is optional: truncated keys (pasted in a prompt) count.
 */
const BODY = '(?:[A-Za-z0-9+/=:,.()@ \\t\\r\\n\\\\]|-(?!----)){0,16000}';

function pem(id: string, description: string, label: string): SecretRule {
  const kw = `-----begin ${label.toLowerCase()}-----`;
  return {
    id,
    description,
    severity: 'critical',
    keywords: [kw],
    regex: new RegExp(`-----BEGIN ${label}-----${BODY}(?:-----END ${label}-----)?`),
    mode: 'anchor',
    confidence: 0.99,
    skipPlaceholderCheck: true,
    validate: (s) => privateKeyBody(s),
  };
}

export const KEY_RULES: SecretRule[] = [
  pem('private-key-rsa', 'PEM RSA private key (PKCS#1)', 'RSA PRIVATE KEY'),
  pem('private-key-ec', 'PEM EC private key (SEC 1)', 'EC PRIVATE KEY'),
  pem('private-key-dsa', 'PEM DSA private key', 'DSA PRIVATE KEY'),
  pem('private-key-pkcs8', 'PEM PKCS#8 private key', 'PRIVATE KEY'),
  pem('private-key-encrypted', 'PEM encrypted PKCS#8 private key', 'ENCRYPTED PRIVATE KEY'),
  pem('private-key-openssh', 'OpenSSH private key', 'OPENSSH PRIVATE KEY'),
  pem('private-key-pgp', 'PGP private key block', 'PGP PRIVATE KEY BLOCK'),
  pem('private-key-ssh2-encrypted', 'SSH2 (RFC 4716) encrypted private key', 'SSH2 ENCRYPTED PRIVATE KEY'),
  {
    id: 'private-key-generic', description: 'Other PEM private key (e.g. X9.42 DH, Ed25519 labels)', severity: 'critical',
    keywords: ['private key-----'], mode: 'window', before: 40, after: 16000, confidence: 0.95, skipPlaceholderCheck: true,
    regex: new RegExp(`-----BEGIN (?!RSA |EC |DSA |ENCRYPTED |OPENSSH |PGP |SSH2 )[A-Z0-9 .-]{1,30} PRIVATE KEY-----${BODY}(?:-----END [A-Z0-9 .-]{1,30} PRIVATE KEY-----)?`),
    validate: (s) => privateKeyBody(s),
  },
  {
    // A PEM private key, base64-encoded once more: kubeconfig `client-key-data:`, a Kubernetes
    // TLS Secret's `tls.key:`, Helm values. base64("-----BEGIN ") = "LS0tLS1CRUdJTi"; the head is
    // decoded to confirm a PRIVATE KEY label (not a certificate or public key), the whole to judge its body.
    id: 'private-key-base64', description: 'Base64-encoded PEM private key (kubeconfig client-key-data, Kubernetes tls.key)', severity: 'critical',
    keywords: ['ls0tls1crudjti'], mode: 'anchor', confidence: 0.97, skipPlaceholderCheck: true,
    regex: /(?<![A-Za-z0-9+/])LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,24000}={0,2}(?![A-Za-z0-9+/=])/,
    validate: (s) => base64PrivateKey(s),
  },
  {
    id: 'putty-private-key', description: 'PuTTY private key file (.ppk)', severity: 'critical',
    keywords: ['putty-user-key-file-'], mode: 'anchor', confidence: 0.97, skipPlaceholderCheck: true,
    regex: /PuTTY-User-Key-File-[23]: [\w-]+\r?\nEncryption: [\w-]+\r?\nComment: [^\r\n]*\r?\nPublic-Lines: \d+\r?\n(?:[A-Za-z0-9+/=]+\r?\n){1,40}(?:Key-Derivation:[^\n]*\n(?:Argon2-[\w-]+:[^\n]*\n){1,5})?Private-Lines: \d+\r?\n(?:[A-Za-z0-9+/=]+\r?\n){1,60}(?:Private-MAC: [a-f0-9]+)?/i,
    validate: (s) => !isPlaceholder(s.slice(s.indexOf('Private-Lines:') + 14).replace(/Private-MAC: \w+|\s|\d/g, '')),
  },
  token({
    id: 'age-secret-key', description: 'age encryption secret key (AGE-SECRET-KEY-1…)', severity: 'critical',
    prefix: 'AGE-SECRET-KEY-1', body: '[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}', right: '[A-Za-z0-9]',
  }),
  {
    ...token({
      id: 'jwt', description: 'JSON Web Token (header decoded to confirm)', severity: 'medium',
      prefix: 'eyJ', body: '[A-Za-z0-9_-]{10,}\\.(?:eyJ|ey|e)[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*', left: '[A-Za-z0-9_-]', right: '[A-Za-z0-9_.-]',
    }),
    confidence: 0.9,
    wraps: true,
    // jwt.io's published example token is documentation, like AWS's EXAMPLE keys.
    validate: (s) => (isKnownExample(s) ? false : jwtHeader(s)),
  },
  near({
    id: 'secp256k1-private-key', description: 'Raw 256-bit (secp256k1 / Ethereum) private key near wallet words', severity: 'critical',
    keywords: ['private', 'wallet', 'privkey', 'priv_key', 'mnemonic', 'signer'], before: 200, after: 200, entropy: 3.0,
    value: '(?<![A-Za-z0-9])0x[a-fA-F0-9]{64}(?![A-Za-z0-9])',
  }),
];
