import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable, runBench } from '../../bench/run.ts';

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
      argon2Samples: 2,
      coldStartSamples: 1,
    });
    const finite = (what: string, n: number) => assert.ok(Number.isFinite(n) && n > 0, `${what}: ${n}`);
    finite('Sesame token req/s', r.tokenRequestsPerSecond.sesame);
    finite('bare token req/s', r.tokenRequestsPerSecond.bare);
    finite('ratio', r.tokenRequestsPerSecond.ratio);
    finite('login median', r.login.medianMs);
    finite('login inside the handler', r.login.handlerMedianMs);
    finite('argon2 verify', r.login.argon2VerifyMedianMs);
    finite('DynamoDB calls, login POST', r.dynamoCalls.passwordPost.total);
    finite('DynamoDB calls, code flow', r.dynamoCalls.fullCodeFlow.total);
    assert.ok(r.dynamoCalls.fullCodeFlow.total >= r.dynamoCalls.passwordPost.total);
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
    finite('cold-start import', r.coldStart.importMedianMs);
    finite('bundle bytes', r.coldStart.bundleBytes);
    assert.match(formatTable(r), /PASS|MISS/);
  });
});
