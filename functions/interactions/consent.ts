import { basePath } from '../http/base-path.ts';
import { branded } from '../http/branding.ts';
import { BadRequest } from '../http/forms.ts';
import { renderPage } from '../views/index.ts';
import { clientName, finish, type Step } from './step.ts';

/** Consent for third-party apps (first-party apps skip it: oidc/first-party-grant.ts). */
interface ConsentDetails {
  grantId?: string;
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are',
  email: 'See your e-mail address',
  profile: 'See your name',
  roles: 'See your roles in this application',
  offline_access: 'Stay signed in to this application',
};

export const consentStep = {
  async show(step: Step, csrf: string): Promise<void> {
    const details = step.details.prompt.details as ConsentDetails;
    const scopes = (details.missingOIDCScope ?? []).map((s) => SCOPE_TEXT[s] ?? s);
    const accountId = step.details.session?.accountId;
    step.ctx.type = 'html';
    step.ctx.body = renderPage('consent', 'Allow access', basePath(step.ctx), {
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
