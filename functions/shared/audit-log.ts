import type { AuditEvent, AuditSink } from '../domain/ports.ts';
import type { Logger } from './logger.ts';

/**
 * Every audit event goes to the JSON log (`msg: "audit"`, which the CloudWatch metric filters and
 * alarms match) and to the append-only audit table. The log line is written first so that a
 * failing table write still leaves a trace; the write error then propagates (fail closed).
 */
export function loggingAuditSink(inner: AuditSink, logger: Logger): AuditSink {
  return {
    async record(event: AuditEvent) {
      logger.info('audit', { ...event });
      await inner.record(event);
    },
  };
}
