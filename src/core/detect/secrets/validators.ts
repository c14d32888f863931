// Validators: checks a regex cannot express. Each returns false to reject a candidate, or a
// confidence. They never throw (decoding errors mean "not this format").

/** Decodes base64 or base64url (padding optional) to a binary string; null if malformed. */
export function decodeBase64(s: string): string | null {
  let b = s.replace(/-/g, '+').replace(/_/g, '/').replace(/\\[nr]|\s/g, '');
  if (/[^A-Za-z0-9+/=]/.test(b)) return null;
  b = b.replace(/=+$/, '');
  if (b.length % 4 === 1) return null;
  b += '='.repeat((4 - (b.length % 4)) % 4);
  try {
    return atob(b);
  } catch {
    return null;
  }
}

/**
 * A JWT's first segment must decode to a JSON object header naming its algorithm or type.
 * Some real-world tokens carry a damaged header (copied from logs), so a decodable header that
 * still shows `"alg"`/`"typ"` keys is accepted with lower confidence.
 */
export function jwtHeader(token: string): number | false {
  const dot = token.indexOf('.');
  if (dot <= 0) return false;
  const head = decodeBase64(token.slice(0, dot));
  if (head === null || head[0] !== '{') return false;
  try {
    const h: unknown = JSON.parse(head);
    if (typeof h === 'object' && h !== null && ('alg' in h || 'typ' in h || 'enc' in h || 'kid' in h)) return 0.95;
  } catch {
    // fall through to the tolerant check
  }
  return /"(?:alg|typ|kid|x5t|enc)"\s*:/.test(head) ? 0.75 : false;
}

/** Base64 payload characters in a PEM/PGP block, ignoring header lines and escaped newlines. */
export function pemBodyLength(block: string): number {
  const lines = block.replace(/\\r|\\n/g, '\n').split(/\r?\n/);
  let n = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('-----') || line.includes(': ') || line.startsWith('=')) continue;
    const m = line.match(/[A-Za-z0-9+/=]/g);
    if (m !== null && m.length === line.length) n += m.length;
  }
  return n;
}

/** A private-key block needs a real body: at least 60 base64 characters, not a placeholder. */
export function privateKeyBody(block: string): number | false {
  const n = pemBodyLength(block);
  if (n < 60) return false;
  // Elided or templated bodies (real keys may hold long 'AAAA' runs, so no generic run check).
  if (/x{4,}|\*{3}|\.{3}|example|placeholder/i.test(block.replace(/-----[^-]+-----/g, ''))) return false;
  return /-----END /.test(block) ? 0.99 : 0.85;
}

/** `user:password` after base64 decoding (HTTP Basic). */
export function basicCredentials(b64: string): number | false {
  const d = decodeBase64(b64);
  if (d === null) return false;
  const colon = d.indexOf(':');
  if (colon <= 0) return false;
  // Mostly printable: some clients put binary or mis-encoded bytes in the password half.
  const printable = d.replace(/[^\x20-\x7e]/g, '').length / d.length;
  if (printable < 0.8 || !/^[\x20-\x7e]+$/.test(d.slice(0, colon))) return false;
  return d.length - colon - 1 >= 1 ? 0.9 : 0.6;
}

/** Generic assignments must mix letters and digits: words and identifiers rarely do. */
export function hasLetterAndDigit(s: string): boolean {
  return /[0-9]/.test(s) && /[A-Za-z]/.test(s);
}

const PEM_PRIVATE_HEAD = /^-----BEGIN (?:[A-Z0-9 .-]{1,30} )?PRIVATE KEY(?: BLOCK)?-----/;

/**
 * A base64 blob that decodes to a PEM private key block: the decoded head names a PRIVATE KEY
 * (a CERTIFICATE or PUBLIC KEY is not a secret), and the decoded block has a real body
 * (privateKeyBody: not elided, not a placeholder). A blob cut short (truncated in a prompt) is
 * judged on what decodes.
 */
export function base64PrivateKey(b64: string): number | false {
  const head = decodeBase64(b64.slice(0, 64));
  if (head === null || !PEM_PRIVATE_HEAD.test(head)) return false;
  const whole = decodeBase64(b64.replace(/=+$/, '').slice(0, b64.replace(/=+$/, '').length & ~3));
  if (whole === null) return false;
  return privateKeyBody(whole) === false ? false : 0.97;
}

