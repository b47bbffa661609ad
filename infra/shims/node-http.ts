/**
 * `node:http` for the Lambda bundle (infra/bundling.ts aliases the bundle's ESM imports of it here).
 * Node builds an ESM namespace of a built-in by reading every export, and `node:http`'s lazily loaded
 * ones load Node's bundled undici: ≈ 18 ms of every cold start, for nothing Sesame uses. The
 * CommonJS object process.getBuiltinModule returns is the same module without that namespace.
 */
const http = process.getBuiltinModule('node:http');

export default http;
export const { Agent, ClientRequest, IncomingMessage, METHODS, STATUS_CODES, Server, ServerResponse } = http;
export const { createServer, get, request, validateHeaderName, validateHeaderValue } = http;
