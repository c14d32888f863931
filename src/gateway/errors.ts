// Renders an AirlockError in the caller's own dialect: Anthropic's {type:"error",error:{type,message}}
// or OpenAI's {error:{message,type,param,code}}, as a JSON body or as an SSE error event.
import type { AirlockError, ErrorKind } from '../core/errors.ts';
import type { Dialect } from '../core/types.ts';

const ANTHROPIC_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  overloaded: 'overloaded_error',
  internal: 'api_error',
};

const OPENAI_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  upstream: 'server_error',
  overloaded: 'server_error',
  internal: 'server_error',
};

export function errorBody(dialect: Dialect, err: AirlockError): string {
  if (dialect === 'anthropic') {
    return JSON.stringify({ type: 'error', error: { type: ANTHROPIC_TYPE[err.kind], message: `${err.message} (${err.code})` } });
  }
  return JSON.stringify({ error: { message: `${err.message} (${err.code})`, type: OPENAI_TYPE[err.kind], param: null, code: err.code } });
}

/** The error as an SSE event that each dialect's SDK surfaces as an error mid-stream. */
export function errorEvent(dialect: Dialect, err: AirlockError): string {
  if (dialect === 'anthropic') return `event: error\ndata: ${errorBody(dialect, err)}\n\n`;
  if (dialect === 'openai-responses') {
    const ev = { type: 'error', code: err.code, message: `${err.message} (${err.code})`, param: null };
    return `event: error\ndata: ${JSON.stringify(ev)}\n\n`;
  }
  return `data: ${errorBody(dialect, err)}\n\n`;
}
