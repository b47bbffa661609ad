import { isId } from '../domain/federation/settings.ts';
import { basePath } from '../http/base-path.ts';
import { branded } from '../http/branding.ts';
import { extendCsrf } from '../http/csrf.ts';
import { BadRequest } from '../http/forms.ts';
import { errorTitle } from '../i18n/index.ts';
import { ACR, amrFor } from '../oidc/acr.ts';
import { isFederated } from '../oidc/lifetimes.ts';
import { STEP_UP_REASON } from '../oidc/session-check.ts';
import { renderPage } from '../views/index.ts';
import { federationBrowserKey } from './federation-pages.ts';
import { carriedRef, carriedToken, carriesInvitation, invitationPages } from './invitation.ts';
import type { SecondStep } from './services.ts';
import { resumePath } from './short-login.ts';
import { clientOf, finish, requestInfo, type Step, wordsOf } from './step.ts';

/**
 * The password step. Unknown e-mail, wrong password, locked or disabled account all produce the
 * same page, status and message (`login.failed`; the domain also equalises timing with a dummy
 * argon2 verify). `login.federationOnly`: the right password of a user whose organisation signs in
 * through its own identity provider only; `login.taken`: a second user's password on an interaction
 * already bound to another user's pending sign-in.
 */

/** The login page; `error` also marks the title, so a screen reader hears that the attempt failed. */
export async function renderLogin(
  step: Step,
  csrf: string,
  email: string,
  message: { error?: string; notice?: string } = {},
): Promise<void> {
  // Before the user is known, the page wears the app's look, if it has one (domain/branding.ts).
  // Asked to sign in again while signed in (prompt=login, "confirm it is you"): say as whom. Not
  // when the session has ended (signed out everywhere, a reset, disabled: session-check.ts): whoever
  // uses that browser next must not learn who was signed in.
  const ended = step.details.prompt.reasons.includes('session_invalidated');
  const accountId = ended ? undefined : step.details.session?.accountId;
  const [app, connections, signedInAs, passkey] = await Promise.all([
    clientOf(step),
    step.services.federation.buttons(),
    accountId ? step.services.emailOf(accountId) : null,
    step.services.passkey.options(step.details.uid),
  ]);
  const t = wordsOf(step);
  const title = message.error ? errorTitle(t, t.login.title) : t.login.title;
  // The form posts under the resume path, whose cookie lets a finished sign-in resume in the same
  // request (short-login.ts); the CSRF token is made valid there too.
  const resume = resumePath(step);
  if (resume) extendCsrf(step.ctx, csrf, resume);
  step.ctx.type = 'html';
  step.ctx.body = renderPage('login', title, basePath(step.ctx), {
    locale: step.locale,
    action: resume ? `${resume}/login` : `${step.path}/login`,
    abort: `${step.path}/abort`,
    federate: `${step.path}/federate`,
    forgot: `${step.path}/forgot`,
    connections,
    csrf,
    email,
    ...message,
    clientName: app.name,
    ...branded(step.ctx, app.brand),
    signedInAs,
    logout: `${basePath(step.ctx)}/session/end`,
    // "Sign in with a passkey" and the e-mail field's passkey autofill: the page's script uses them.
    ...(passkey ? { passkey: `${step.path}/passkey`, passkeyOptions: JSON.stringify(passkey) } : {}),
  });
}

const render = (step: Step, csrf: string, email: string, error?: string) =>
  renderLogin(step, csrf, email, error ? { error } : {});

export const loginStep = {
  async show(step: Step, csrf: string): Promise<void> {
    // Step-up: the session's password sign-in stands; only a second factor is asked for.
    if (isStepUp(step)) {
      const userId = String(step.details.session?.accountId);
      const second = await step.services.mfa.secondStep({ userId, ...signInOf(step) });
      if (second.required) {
        const outcome = await toSecondFactor(step, userId, second, false, true);
        if (outcome === 'mfa') return;
        return render(step, csrf, '', wordsOf(step).login.taken);
      }
    }
    // A browser that opened an invitation link accepts it on this sign-in (invitation.ts).
    if (carriedToken(step.ctx) && (await (await invitationPages()).invitationStep.show(step, csrf))) return;
    const hint = step.details.params.login_hint;
    // An app may send the user straight to a connection (like Keycloak's kc_idp_hint).
    const idp = step.details.params.sesame_idp;
    if (typeof idp === 'string' && idp)
      return toUpstream(step, idp, typeof hint === 'string' ? hint.slice(0, 254) : undefined);
    return loginStep.plainForm(step, csrf);
  },

  /** The sign-in form itself, with the app's `login_hint` filled in. */
  plainForm(step: Step, csrf: string): Promise<void> {
    const hint = step.details.params.login_hint;
    return render(step, csrf, typeof hint === 'string' ? hint.slice(0, 254) : '');
  },

  async submit(step: Step, form: Record<string, string>): Promise<void> {
    const email = (form.email ?? '').slice(0, 1024);
    // An address whose domain a tenant proved and routed to its identity provider signs in there:
    // no password is asked for or checked here.
    const routed = await step.services.federation.routeFor(email);
    if (routed) return toUpstream(step, routed, email.trim().slice(0, 254));
    const outcome = await signInWithPassword(step, {
      email,
      password: form.password ?? '',
      remember: form.remember === 'yes',
    });
    const t = wordsOf(step).login;
    if (outcome === 'failed') return render(step, form.csrf ?? '', email.slice(0, 254), t.failed);
    if (outcome === 'federation_only')
      return render(step, form.csrf ?? '', email.slice(0, 254), t.federationOnly);
    if (outcome === 'taken') {
      step.ctx.status = 400;
      return render(step, form.csrf ?? '', email.slice(0, 254), t.taken);
    }
  },
};

/**
 * A passkey as the whole sign-in (domain/credentials/passkey/passwordless.ts): verified by the user,
 * it is phishing-resistant multi-factor on its own, so the interaction finishes at the strongest
 * acr. A failure shows the login page again with one message, whatever went wrong.
 */
export async function signInWithPasskey(step: Step, form: Record<string, string>): Promise<void> {
  const outcome = await step.services.passkey.signIn({
    uid: step.details.uid,
    response: form.response ?? '',
    info: requestInfo(step),
  });
  const t = wordsOf(step).login;
  if (!outcome.ok) {
    step.ctx.status = 400;
    const message = outcome.taken ? t.taken : outcome.federationOnly ? t.federationOnly : t.passkeyFailed;
    return render(step, form.csrf ?? '', '', message);
  }
  // A second factor pending on this sign-in for another user's password binds the interaction to that
  // user: the domain refuses the passkey then (`taken`), before anything is recorded as a success.
  await finish(step, {
    login: {
      accountId: outcome.userId,
      acr: ACR.phishingResistant,
      amr: outcome.amr,
      remember: form.remember === 'yes',
    },
  });
}

/**
 * The password as a first step, shared by the login page and the link page (link.ts): checks it
 * (lockout, equal timing and audit in the domain), then sends the browser to the second factor when
 * one is needed, or finishes the interaction. `linking`: the password earns an offered link, made
 * when the sign-in finishes — here, or after the second factor.
 */
export async function signInWithPassword(
  step: Step,
  input: { email: string; password: string; remember: boolean; linking?: boolean; invitation?: string },
): Promise<'failed' | 'federation_only' | 'taken' | 'done'> {
  // Decided between the password check and the lockout bookkeeping (see domain/attempt-guard.ts).
  let second = { required: false } as SecondStep;
  let credentialsChangedAt: number | null | undefined;
  const result = await step.services.login({
    email: input.email,
    password: input.password,
    info: requestInfo(step),
    secondStepNeeded: async (user) => {
      credentialsChangedAt = user.credentialsChangedAt;
      second = await step.services.mfa.secondStep({
        userId: user.id,
        user,
        ...signInOf(step),
        ...(input.linking ? { provesAccount: true } : {}),
      });
      return second.required;
    },
  });
  if (!result.ok) return result.federationOnly ? 'federation_only' : 'failed';
  if (second.required) {
    const outcome = await toSecondFactor(step, result.userId, second, input.remember, false, {
      ...(input.linking ? { linking: true } : {}),
      ...(input.invitation ? { invitation: input.invitation } : {}),
      ...(credentialsChangedAt !== undefined ? { credentialsChangedAt } : {}),
    });
    return outcome === 'taken' ? 'taken' : 'done';
  }
  if (input.linking)
    await step.services.federation.acceptLink({
      uid: step.details.uid,
      userId: result.userId,
      locale: step.locale,
    });
  if (input.invitation)
    await step.services.invitations.accept({ ref: input.invitation, userId: result.userId });
  // The password alone finishes the interaction only when no second factor is needed.
  await finish(step, {
    login: {
      accountId: result.userId,
      acr: ACR.password,
      amr: amrFor(null),
      // Without "keep me signed in" the session cookie ends with the browser session.
      remember: input.remember,
    },
  });
  return 'done';
}

/**
 * Sends the browser to the connection's upstream for this interaction (unknown or disabled: a 400
 * page), with the browser key cookie that binds the upstream leg to this browser (federation.ts).
 */
export async function toUpstream(step: Step, connectionId: string, loginHint?: string): Promise<void> {
  if (!isId(connectionId)) throw new BadRequest(400, 'unknown_connection');
  const browserKey = federationBrowserKey(step.ctx);
  // An invitation opened in this browser is accepted by the sign-in it finishes (invitation.ts).
  const invitation = await carriedRef(step);
  const url = await step.services.federation.start({
    uid: step.details.uid,
    connectionId,
    interactionExpiresAt: step.details.exp * 1000,
    browserKey,
    ...(loginHint ? { loginHint } : {}),
    ...(invitation ? { invitation } : {}),
  });
  if (!url) throw new BadRequest(400, 'unknown_connection');
  step.ctx.status = 303;
  step.ctx.redirect(url);
}

/**
 * Whether the interaction's page is the plain sign-in form, which show() renders without a read or a
 * redirect of its own: not a step-up, not an app's hint to an upstream, not an invitation this
 * browser carries. The authorization endpoint may answer with that page itself (short-login.ts).
 */
export function showsPlainForm(step: Step): boolean {
  const idp = step.details.params.sesame_idp;
  return (
    step.details.prompt.name === 'login' &&
    !isStepUp(step) &&
    !(typeof idp === 'string' && idp) &&
    !carriesInvitation(step.ctx)
  );
}

export function signInOf(step: Step) {
  return {
    clientId: String(step.details.params.client_id ?? ''),
    acrValues: step.details.params.acr_values,
  };
}

/**
 * Whether the app only wants more than the session has, so a second factor is enough. A session
 * from an upstream provider is not stepped up with a Sesame factor alone: that would restart its
 * clock without the upstream (lifetimes.ts); its user signs in there again, then adds the factor.
 */
function isStepUp(step: Step): boolean {
  const { session, prompt } = step.details;
  return (
    Boolean(session?.accountId) &&
    !isFederated(session?.amr) &&
    prompt.reasons.length > 0 &&
    prompt.reasons.every((r) => r === STEP_UP_REASON)
  );
}

/** Stores the pending sign-in bound to this interaction and sends the browser to the MFA page. */
export async function toSecondFactor(
  step: Step,
  userId: string,
  second: Extract<SecondStep, { required: true }>,
  remember: boolean,
  stepUp: boolean,
  /** What the sign-in completes when it finishes (an offered link, an invitation), and after a password what it was checked against. */
  completes: { linking?: true; invitation?: string; credentialsChangedAt?: number | null } = {},
): Promise<'mfa' | 'taken'> {
  const outcome = await step.services.mfa.begin({
    userId,
    ...signInOf(step),
    step: second,
    uid: step.details.uid,
    remember,
    expiresAt: step.details.exp * 1000,
    stepUp,
    ...completes,
  });
  if (outcome === 'mfa') {
    step.ctx.status = 303;
    step.ctx.redirect(`${step.path}/mfa`);
  }
  return outcome;
}
