import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable, runBench } from '../../bench/run.ts';

/**
 * Keeps `npm run bench` from rotting: a tiny run must produce every figure, finite. No absolute
 * time is asserted — speed is reported by the bench, never tested.
 */
describe('npm run bench (smoke: a tiny run)', () => {
  it('produces finite figures for every measure and a table', { timeout: 120_000 }, async () => {
    const r = await runBench({
      seconds: 0.5,
      warmupSeconds: 0.2,
      rounds: 1,
      concurrency: 4,
      logins: 2,
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
    finite('cold-start import', r.coldStart.importMedianMs);
    finite('bundle bytes', r.coldStart.bundleBytes);
    assert.match(formatTable(r), /PASS|MISS/);
  });
});
