import type { AuditEvent, AuditSink } from '../domain/ports.ts';
import { currentRequest, type Logger } from './logger.ts';

/**
 * Every audit event goes to the JSON log (`msg: "audit"`, which the CloudWatch metric filters and
 * alarms match) and to the append-only audit table. The log line is written first so that a
 * failing table write still leaves a trace; the write error then propagates (fail closed).
 */
export function loggingAuditSink(inner: AuditSink, logger: Logger): AuditSink {
  return {
    async record(given: AuditEvent) {
      const event = { ...fromRequest(), ...given };
      logger.info('audit', { ...event });
      await inner.record(event);
    },
  };
}

/**
 * Where the event happened, from the request context the HTTP layer keeps (request id, source IP,
 * user agent), so no caller has to thread it by hand; what a caller passes explicitly wins.
 */
function fromRequest(): Pick<AuditEvent, 'requestId' | 'ip' | 'userAgent'> {
  const request = currentRequest();
  if (!request) return {};
  return {
    requestId: request.requestId,
    ...(request.ip ? { ip: request.ip } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent } : {}),
  };
}
