import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'obf-string-table';

describe(RULE, () => {
  it("finds: obfuscator string table", () => {
    const f = only(scanCode(`function _0x1f2e(){const _0xa=${JSON.stringify(Array.from({length: 25}, (_, i) => Buffer.from('value-' + i * 7919 + '-x'.repeat(i % 5)).toString('base64')))};_0x1f2e=function(){return _0xa};return _0x1f2e()} const _0x2b3c=1,_0x3c4d=2,_0x4d5e=3,_0x5e6f=4;`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high');
  });
  it("ignores: a table of HTTP header names (words that fit the base64 alphabet)", () => {
    const names = `Accept Accept-Encoding Accept-Language Accept-Ranges Access-Control-Allow-Credentials Access-Control-Allow-Headers Access-Control-Allow-Methods Access-Control-Allow-Origin Access-Control-Expose-Headers Access-Control-Max-Age Access-Control-Request-Headers Access-Control-Request-Method Age Allow Alt-Svc Alt-Used Authorization Cache-Control Clear-Site-Data Connection Content-Disposition Content-Encoding Content-Language Content-Length Content-Location Content-Range Content-Security-Policy Content-Security-Policy-Report-Only Content-Type Cookie Cross-Origin-Embedder-Policy Cross-Origin-Opener-Policy Cross-Origin-Resource-Policy Date Device-Memory Downlink ECT ETag Expect Expect-CT Expires Forwarded From Host If-Match If-Modified-Since If-None-Match If-Range If-Unmodified-Since Keep-Alive Last-Modified Link Location Max-Forwards Origin Permissions-Policy Pragma Proxy-Authenticate Proxy-Authorization RTT Range Referer Referrer-Policy Refresh Retry-After Sec-WebSocket-Accept Sec-WebSocket-Extensions Sec-WebSocket-Key Sec-WebSocket-Protocol Sec-WebSocket-Version Server Server-Timing Service-Worker-Allowed Service-Worker-Navigation-Preload Set-Cookie SourceMap Strict-Transport-Security Supports-Loading-Mode TE Timing-Allow-Origin Trailer Transfer-Encoding Upgrade Upgrade-Insecure-Requests User-Agent Vary Via WWW-Authenticate X-Content-Type-Options X-DNS-Prefetch-Control X-Frame-Options X-Permitted-Cross-Domain-Policies X-Powered-By X-Requested-With X-XSS-Protection`.split(' ');
    assert.deepEqual(only(scanCode(`const h = ${JSON.stringify(names)};`), RULE), []);
  });
  it("ignores: English words", () => {
    assert.deepEqual(only(scanCode(`const w = ${JSON.stringify(Array.from({length: 25}, (_, i) => (['alpha','beta','gamma','delta','epsilon'][i % 5] ?? '') + i))};`), RULE), []);
  });
});
