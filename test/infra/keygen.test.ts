import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { KEYGEN_SERVICE_TIMEOUT, KEYGEN_TIMEOUT } from '../../infra/construct/identity-provider.ts';
import { ACCESS_DENIED_PATIENCE_MS, keygenHandler } from '../../infra/keygen/handler.ts';
import { synthApp } from './support.ts';

/** CloudFormation's pre-signed response URL, played by a local server that records the PUT bodies. */
let server: Server;
let responseUrl = '';
const responses: Array<{ Status: string; Reason: string }> = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      responses.push(JSON.parse(body) as { Status: string; Reason: string });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function createEvent(): CloudFormationCustomResourceEvent {
  return {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:keygen',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Sesame/x',
    RequestId: 'r1',
    LogicalResourceId: 'Keys',
    ResourceType: 'Custom::SesameKeys',
    ResourceProperties: { ServiceToken: 'x', SecretsPrefix: 'sesame/Sesame/' },
  };
}

const named = (name: string) => Object.assign(new Error(`${name} from the service`), { name });

/** A virtual clock: sleeping moves it, nothing waits for real. */
function virtualTime() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

const twoMinutesLeft = { getRemainingTimeInMillis: () => KEYGEN_TIMEOUT.toMilliseconds() };

describe('Custom::SesameKeys', () => {
  it('retries AccessDenied while the new role propagates, then succeeds', async () => {
    responses.length = 0;
    const clock = virtualTime();
    let calls = 0;
    const handler = keygenHandler({
      ...clock,
      generate: async () => {
        calls++;
        if (calls <= 3) throw named('AccessDeniedException');
      },
    });
    await handler(createEvent(), twoMinutesLeft);
    assert.equal(calls, 4);
    assert.deepEqual(clock.slept, [1_000, 2_000, 4_000]);
    assert.equal(responses[0]?.Status, 'SUCCESS');
  });

  it('gives up on AccessDenied after about a minute and tells CloudFormation why', async () => {
    responses.length = 0;
    const clock = virtualTime();
    const handler = keygenHandler({
      ...clock,
      generate: async () => {
        throw named('AccessDeniedException');
      },
    });
    await handler(createEvent(), twoMinutesLeft);
    const waited = clock.slept.reduce((a, b) => a + b, 0);
    assert.ok(waited <= ACCESS_DENIED_PATIENCE_MS && waited >= 45_000, `${waited} ms`);
    assert.equal(responses[0]?.Status, 'FAILED');
    assert.match(responses[0]?.Reason ?? '', /^AccessDeniedException/);
  });

  it('answers before the function runs out of time, even with less than a minute left', async () => {
    responses.length = 0;
    const clock = virtualTime();
    const handler = keygenHandler({
      ...clock,
      generate: async () => {
        throw named('AccessDeniedException');
      },
    });
    await handler(createEvent(), { getRemainingTimeInMillis: () => 20_000 });
    assert.ok(clock.now() < 20_000 - 5_000, `answered at ${clock.now()} ms`);
    assert.equal(responses[0]?.Status, 'FAILED');
  });

  it('fails at once on any other error', async () => {
    responses.length = 0;
    const clock = virtualTime();
    const handler = keygenHandler({
      ...clock,
      generate: async () => {
        throw named('KMSInvalidStateException');
      },
    });
    await handler(createEvent(), twoMinutesLeft);
    assert.deepEqual(clock.slept, []);
    assert.equal(responses[0]?.Status, 'FAILED');
  });

  it('does nothing on Delete but answer', async () => {
    responses.length = 0;
    const handler = keygenHandler({
      generate: async () => assert.fail('no key work on Delete'),
    });
    await handler({ ...createEvent(), RequestType: 'Delete', PhysicalResourceId: 'x' }, twoMinutesLeft);
    assert.equal(responses[0]?.Status, 'SUCCESS');
  });

  it('has a service timeout, so a crash fails the deploy in minutes instead of an hour', () => {
    const t = synthApp().template('Sesame');
    t.hasResourceProperties('Custom::SesameKeys', {
      ServiceTimeout: String(KEYGEN_SERVICE_TIMEOUT.toSeconds()),
    });
    assert.ok(KEYGEN_SERVICE_TIMEOUT.toSeconds() < 3600);
    // Lambda's two asynchronous retries of a function that times out still fit.
    assert.ok(KEYGEN_SERVICE_TIMEOUT.toSeconds() >= 3 * KEYGEN_TIMEOUT.toSeconds());
  });
});
