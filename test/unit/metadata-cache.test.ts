import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { HttpApiHandler } from '../../functions/http/lambda.ts';
import { replayingMetadata } from '../../functions/oidc/metadata-cache.ts';

const event = (path: string, more: Partial<APIGatewayProxyEvent> = {}) =>
  ({
    httpMethod: 'GET',
    path,
    headers: {},
    queryStringParameters: null,
    requestContext: { requestId: `req-${Math.random()}` },
    ...more,
  }) as unknown as APIGatewayProxyEvent;

function counting(status = 200) {
  const seen: string[] = [];
  const handler: HttpApiHandler = async (e) => {
    seen.push(e.path);
    return {
      statusCode: status,
      headers: { 'content-type': 'application/json', 'x-request-id': e.requestContext.requestId },
      body: `{"n":${seen.length}}`,
    };
  };
  return { seen, handler };
}

const context = {} as Context;

describe('discovery and JWKS replayed from their first answer', () => {
  it('answers the second request for each without running the application, with its own request id', async () => {
    const app = counting();
    const handler = replayingMetadata(app.handler, '');
    for (const path of ['/.well-known/openid-configuration', '/jwks']) {
      const first = await handler(event(path), context);
      const again = event(path);
      const second = await handler(again, context);
      assert.equal(second.body, first.body);
      assert.equal(second.headers?.['x-request-id'], again.requestContext.requestId);
    }
    assert.deepEqual(app.seen, ['/.well-known/openid-configuration', '/jwks']);
  });

  it('serves the issuer path (an API Gateway stage) and the bare path from the same answer', async () => {
    const app = counting();
    const handler = replayingMetadata(app.handler, '/live');
    await handler(event('/live/jwks'), context);
    await handler(event('/jwks'), context);
    assert.deepEqual(app.seen, ['/live/jwks']);
  });

  it('runs the application for anything else: other paths and methods, a query, an Origin, a failed answer', async () => {
    const app = counting();
    const handler = replayingMetadata(app.handler, '');
    const requests = [
      event('/token'),
      event('/token'),
      event('/jwks', { httpMethod: 'HEAD' }),
      event('/jwks', { queryStringParameters: { x: '1' } }),
      event('/jwks', { headers: { Origin: 'https://spa.example' } }),
    ];
    for (const e of requests) await handler(e, context);
    assert.equal(app.seen.length, requests.length);
    const failing = counting(500);
    const guarded = replayingMetadata(failing.handler, '');
    await guarded(event('/jwks'), context);
    await guarded(event('/jwks'), context);
    assert.equal(failing.seen.length, 2, 'an error is never kept');
  });
});
