import { DEFAULT_LOCALE, type Locale, loadMessages } from '../../i18n/index.ts';
import type { DomainDeps } from '../deps.ts';
import { type AttemptContext, audit, auditTenant } from '../deps.ts';
import { letter } from '../letters.ts';
import type { User } from '../ports.ts';

/** What changed, by its sentence in the catalogue's `mail` section. */
export type AccountChange =
  | 'passkeyAdded'
  | 'passkeyRemoved'
  | 'totpAdded'
  | 'totpRemoved'
  | 'emailCodesOn'
  | 'emailCodesOff'
  | 'recoveryCodesNew'
  | 'sessionsEnded'
  | 'passwordChanged'
  | 'passwordReset'
  | 'linked';

/**
 * Tells the user that their account's sign-in methods changed, so a hijacked session can't quietly
 * swap them. The change has already happened when this runs: a mail server that fails must not turn
 * it into an error page (the user would retry a change that stands), so the failure is recorded as
 * an audit event (`notification.failed`, logged and alarmed like any other) instead of thrown.
 * `locale`: the language of the page the user made the change on; English when an administrator
 * made it. `values` fill the sentence's placeholders (`linked`: the connection).
 */
export async function notifyUser(
  deps: DomainDeps,
  user: Pick<User, 'id' | 'email' | 'tenantId'>,
  what: AccountChange,
  options: { context?: AttemptContext; locale?: Locale; values?: Record<string, string> } = {},
): Promise<void> {
  const { context, locale = DEFAULT_LOCALE, values = {} } = options;
  const t = (await loadMessages(locale)).mail;
  try {
    await deps.mailer.send(letter(user.email, t.changedSubject, [{ text: t[what], values }, t.notYou]));
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
