import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable, runBench, SERVERS } from '../../bench/run.ts';

/**
 * Keeps `npm run bench` from rotting: a tiny run must produce every figure, finite. No absolute
 * time is asserted — speed is reported by the bench, never tested. Call counts are not speed: the
 * federation callback's target (at most 10 DynamoDB calls for a returning user) is held here.
 */
describe('npm run bench (smoke: a tiny run)', () => {
  it('produces finite figures for every measure and a table', { timeout: 120_000 }, async () => {
    const r = await runBench({
      seconds: 0.5,
      warmupSeconds: 0.2,
      rounds: 1,
      concurrency: 4,
      logins: 2,
      federatedSignIns: 1,
      coldStartSamples: 1,
    });
    const finite = (what: string, n: number) => assert.ok(Number.isFinite(n) && n > 0, `${what}: ${n}`);
    for (const name of SERVERS) {
      for (const endpoint of ['token', 'discovery', 'jwks'] as const) {
        finite(`${name} ${endpoint} req/s`, r[endpoint][name].reqPerSec);
        finite(`${name} ${endpoint} CPU per request`, r[endpoint][name].cpuUsPerRequest);
      }
      finite(`${name} login median`, r.login[name].medianMs);
      finite(`${name} login inside the handler`, r.login[name].handlerMedianMs);
      finite(`${name} login CPU`, r.login[name].cpuMedianMs);
    }
    finite('Sesame argon2 verify, timed in the server', r.login.sesame.verifyMedianMs);
    finite('bare argon2 verify, timed in the server', r.login.bareStore.verifyMedianMs);
    assert.equal(r.login.bareMemory.dynamoCalls.total, 0, 'the in-memory baseline makes no DynamoDB calls');
    finite('DynamoDB calls, bare on the store', r.login.bareStore.dynamoCalls.total);
    finite('DynamoDB calls, login POST', r.dynamoCalls.passwordPost.total);
    finite('DynamoDB calls, code flow', r.dynamoCalls.fullCodeFlow.total);
    assert.ok(r.dynamoCalls.fullCodeFlow.total >= r.dynamoCalls.passwordPost.total);
    assert.equal(r.token.sesame.dynamoCallsPerRequest, 1, 'one stored token, one write');
    assert.equal(r.token.bareStore.dynamoCallsPerRequest, 1);
    const f = r.federation;
    finite('federated start inside the handler', f.handlerMedianMs.start);
    finite('federation callback inside the handler, first', f.handlerMedianMs.jitCallback);
    finite('federation callback inside the handler, returning', f.handlerMedianMs.returningCallback);
    finite('federation callback: upstream time', f.upstreamMedianMs.returningCallback);
    assert.equal(f.upstreamRequests.callback, 1, 'the callback calls the token endpoint, once');
    const callback = f.dynamoCalls.returningCallback;
    finite('DynamoDB calls, federation callback', callback.total);
    assert.ok(
      callback.total <= 10,
      `a returning user's federation callback made ${callback.total} DynamoDB calls (target: at most 10):\n${callback.calls.join('\n')}`,
    );
    assert.ok(f.dynamoCalls.jitCallback.total > callback.total, 'a first sign-in also creates the user');
    assert.ok(f.dynamoCalls.returningFlow.total > callback.total);
    const p = r.passkey;
    finite('passkey answer inside the handler', p.handlerMedianMs.post);
    finite('passkey sign-in inside the handler', p.handlerMedianMs.flow);
    finite('DynamoDB calls, passkey answer', p.dynamoCalls.post.total);
    assert.ok(p.dynamoCalls.flow.total > p.dynamoCalls.post.total);
    assert.match(formatTable(r), /passwordless passkey sign-in/);
    finite('cold-start import', r.coldStart.importMedianMs);
    finite('cold-start import, CPU', r.coldStart.importCpuMedianMs);
    finite('JavaScript a cold start loads', r.coldStart.loadedBytes);
    assert.equal(
      r.coldStart.importReadBytes,
      r.coldStart.loadedBytes,
      'the import reads exactly the chunks the metafile says it imports statically',
    );
    assert.ok(r.coldStart.assetBytes > r.coldStart.loadedBytes, 'some chunks are left for their first use');
    assert.ok(r.targets.length >= 10, 'every target of issue #14 is decided');
    assert.match(formatTable(r), /PASS|MISS/);
  });
});
