import { basePath } from '../http/base-path.ts';
import { branded } from '../http/branding.ts';
import { BadRequest } from '../http/forms.ts';
import { renderPage } from '../views/index.ts';
import { clientName, finish, type Step, wordsOf } from './step.ts';

/** Consent for third-party apps (first-party apps skip it: oidc/first-party-grant.ts). */
interface ConsentDetails {
  grantId?: string;
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/** The scopes a person is asked about, each worded in the catalogue's `consent` section. */
const SCOPES = ['openid', 'email', 'profile', 'roles', 'offline_access'] as const;
const isScope = (s: string): s is (typeof SCOPES)[number] => (SCOPES as readonly string[]).includes(s);

export const consentStep = {
  async show(step: Step, csrf: string): Promise<void> {
    const details = step.details.prompt.details as ConsentDetails;
    const t = wordsOf(step).consent;
    const scopes = (details.missingOIDCScope ?? []).map((s) => (isScope(s) ? t[s] : s));
    const accountId = step.details.session?.accountId;
    step.ctx.type = 'html';
    step.ctx.body = renderPage('consent', t.title, basePath(step.ctx), {
      locale: step.locale,
      action: `${step.path}/confirm`,
      abort: `${step.path}/abort`,
      csrf,
      scopes,
      clientName: await clientName(step),
      ...branded(step.ctx, accountId ? await step.services.brand.ofUser(accountId) : null),
      signedInAs: accountId ? await step.services.emailOf(accountId) : null,
      logout: `${basePath(step.ctx)}/session/end`,
    });
  },

  async submit(step: Step): Promise<void> {
    const { details, provider } = step;
    const { accountId } = details.session ?? {};
    // The session ended (signed out in another tab) or the grant expired meanwhile: start again.
    if (!accountId) throw new BadRequest(400, 'expired');
    const missing = details.prompt.details as ConsentDetails;
    const grant = missing.grantId
      ? await provider.Grant.find(missing.grantId)
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    if (!grant) throw new BadRequest(400, 'expired');
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await finish(step, { consent: missing.grantId ? {} : { grantId } });
  },
};
