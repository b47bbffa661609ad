import type { DomainDeps } from '../deps.ts';
import { type AttemptContext, audit, auditTenant } from '../deps.ts';
import type { User } from '../ports.ts';

/**
 * Tells the user that their account's sign-in methods changed, so a hijacked session can't quietly
 * swap them. The change has already happened when this runs: a mail server that fails must not turn
 * it into an error page (the user would retry a change that stands), so the failure is recorded as
 * an audit event (`notification.failed`, logged and alarmed like any other) instead of thrown.
 */
export async function notifyUser(
  deps: DomainDeps,
  user: Pick<User, 'id' | 'email' | 'tenantId'>,
  what: string,
  context?: AttemptContext,
): Promise<void> {
  const text = `${what}\n\nIf this was not you, contact your administrator at once.`;
  const html = `<p>${what}</p><p>If this was not you, contact your administrator at once.</p>`;
  try {
    await deps.mailer.send({ to: user.email, subject: 'Your Sesame account was changed', text, html });
  } catch (err) {
    await audit(
      deps,
      {
        type: 'notification.failed',
        outcome: 'failure',
        actor: 'system',
        target: user.id,
        tenant: auditTenant(user),
        reason: err instanceof Error ? err.name : 'unknown',
      },
      context,
    );
  }
}
