// The floor of the gateway benchmark: the least a Node.js reverse proxy can do, in its own process.
// One HTTP server, one undici pool to the upstream, the request body collected and sent on with
// the client's headers, the response written through chunk by chunk as it arrives (the way the
// gateway relays). No authentication, parsing, inspection, policy or audit record. Its added
// latency is what any proxy in Node pays on this machine (two extra socket hops, HTTP parsing on
// both sides); the gateway's is compared with it in the same run. Prints its URL on stdout.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';

const upstream = process.argv[2];
if (upstream === undefined) throw new Error('usage: floor-proxy.ts <upstream url>');
const pool = new Pool(upstream, { connections: 128 });
// Hop-by-hop headers are not forwarded (RFC 9110 §7.6.1); undici sets its own length.
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade', 'proxy-connection', 'te', 'trailer']);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && typeof v === 'string') headers[k] = v;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart(_c, status, h) {
        const out: Record<string, string | string[]> = {};
        for (const k in h) if (!HOP.has(k) && h[k] !== undefined) out[k] = h[k];
        res.writeHead(status, out);
      },
      onResponseData(_c, chunk) {
        res.write(chunk);
      },
      onResponseEnd() {
        res.end();
      },
      onResponseError() {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      },
    };
    pool.dispatch({ path: req.url ?? '/', method: req.method === 'GET' ? 'GET' : 'POST', headers, body: Buffer.concat(chunks) }, handler);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => {
  server.close();
  void pool.close().then(() => process.exit(0));
});
