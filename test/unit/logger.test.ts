import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFromEnv } from '../../functions/config/config.ts';
import { loggingAuditSink } from '../../functions/shared/audit-log.ts';
import { createLogger, withRequestContext } from '../../functions/shared/logger.ts';

describe('the logger', () => {
  it('honours SESAME_LOG_LEVEL but never drops an audit line', async () => {
    const { logLevel } = configFromEnv({ SESAME_LOG_LEVEL: 'error' });
    const lines: string[] = [];
    const logger = createLogger({ sink: (l) => lines.push(l), level: logLevel });
    logger.info('chatter');
    logger.warn('more chatter');
    const audit = loggingAuditSink({ record: async () => undefined }, logger);
    await audit.record({ type: 'login.failure', outcome: 'failure', at: 1, actor: 'anonymous' });
    logger.error('broken');
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { msg: string }).msg),
      ['audit', 'broken'],
    );
  });

  it('stamps audit events with the request id, IP and user agent of the request they happen in', async () => {
    const recorded: Array<Record<string, unknown>> = [];
    const audit = loggingAuditSink(
      { record: async (e) => void recorded.push({ ...e }) },
      createLogger({ sink: () => undefined }),
    );
    await withRequestContext({ requestId: 'req-1', ip: '198.51.100.7', userAgent: 'UA/1' }, () =>
      audit.record({ type: 'mfa.totp.removed', outcome: 'success', at: 1, actor: 'u', ip: '203.0.113.9' }),
    );
    assert.equal(recorded[0]?.requestId, 'req-1');
    assert.equal(recorded[0]?.userAgent, 'UA/1');
    assert.equal(recorded[0]?.ip, '203.0.113.9', 'what the caller passed wins');
  });
});
