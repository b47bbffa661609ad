import { basePath } from '../http/base-path.ts';
import { ACR } from '../oidc/acr.ts';
import { STEP_UP_REASON } from '../oidc/session-check.ts';
import type { SignedInUser } from './services.ts';
import { clientName, finish, requestInfo, type Step } from './step.ts';
import { renderPage } from './views.ts';

/**
 * The password step. Unknown e-mail, wrong password, locked or disabled account all produce the
 * same page, status and message (the domain also equalises timing with a dummy argon2 verify).
 */
const GENERIC_FAILURE = 'The e-mail address or password is incorrect, or the account is temporarily locked.';

async function render(step: Step, csrf: string, email: string, error?: string): Promise<void> {
  step.ctx.type = 'html';
  step.ctx.body = renderPage('login', 'Sign in', basePath(step.ctx), {
    action: `${step.path}/login`,
    abort: `${step.path}/abort`,
    csrf,
    email,
    error,
    clientName: await clientName(step),
  });
}

export const loginStep = {
  async show(step: Step, csrf: string): Promise<void> {
    // Step-up: the session's password sign-in stands; only a second factor is asked for.
    if (isStepUp(step)) {
      const outcome = await beginSecondFactor(step, String(step.details.session?.accountId), false, true);
      if (outcome === 'mfa') return;
    }
    const hint = step.details.params.login_hint;
    return render(step, csrf, typeof hint === 'string' ? hint.slice(0, 254) : '');
  },

  async submit(step: Step, form: Record<string, string>): Promise<void> {
    const email = (form.email ?? '').slice(0, 1024);
    const password = form.password ?? '';
    const result = await step.services.login(email, password, requestInfo(step));
    if (!result.ok) return render(step, form.csrf ?? '', email.slice(0, 254), GENERIC_FAILURE);
    // The password alone finishes the interaction only when no second factor is needed.
    const remember = form.remember === 'yes';
    if ((await beginSecondFactor(step, result.user ?? result.userId, remember, false)) === 'mfa') return;
    await finish(step, {
      login: {
        accountId: result.userId,
        acr: ACR.password,
        amr: ['pwd'],
        // Without "keep me signed in" the session cookie ends with the browser session.
        remember,
      },
    });
  },
};

function isStepUp(step: Step): boolean {
  const { session, prompt } = step.details;
  return (
    Boolean(session?.accountId) &&
    prompt.reasons.length > 0 &&
    prompt.reasons.every((r) => r === STEP_UP_REASON)
  );
}

/**
 * Stores the pending sign-in bound to this interaction and sends the browser to the MFA page.
 * `who` is the user the password step just read (saves reading it again) or, for step-up, the id.
 */
async function beginSecondFactor(step: Step, who: SignedInUser | string, remember: boolean, stepUp: boolean) {
  const outcome = await step.services.mfa.begin({
    ...(typeof who === 'string' ? { userId: who } : { userId: who.id, user: who }),
    uid: step.details.uid,
    clientId: String(step.details.params.client_id ?? ''),
    acrValues: step.details.params.acr_values,
    remember,
    expiresAt: step.details.exp * 1000,
    stepUp,
  });
  if (outcome === 'mfa') {
    step.ctx.status = 303;
    step.ctx.redirect(`${step.path}/mfa`);
  }
  return outcome;
}
