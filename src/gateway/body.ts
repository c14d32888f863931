// Reads a request body with a size limit; rejects before buffering past the limit.
import type { IncomingMessage } from 'node:http';
import { AirlockError } from '../core/errors.ts';

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    return Promise.reject(new AirlockError('AIRLOCK_ERR_BODY_TOO_LARGE', `The request body (${declared} bytes) exceeds the limit of ${limit} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | null, buf?: Buffer): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      if (err !== null) reject(err);
      else resolve(buf!);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        // Stop reading; the socket is closed after the error response (connection: close).
        req.pause();
        finish(new AirlockError('AIRLOCK_ERR_BODY_TOO_LARGE', `The request body exceeds the limit of ${limit} bytes.`));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => finish(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', (e) => finish(new AirlockError('AIRLOCK_ERR_CLIENT_ABORTED', 'The client closed the connection while sending the request.', { cause: e })));
    req.once('aborted', () => finish(new AirlockError('AIRLOCK_ERR_CLIENT_ABORTED', 'The client closed the connection while sending the request.')));
  });
}
