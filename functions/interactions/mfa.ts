import type { PendingSignIn } from '../domain/ports.ts';
import { basePath } from '../http/base-path.ts';
import { branded } from '../http/branding.ts';
import { BadRequest } from '../http/forms.ts';
import { errorTitle, type Messages } from '../i18n/index.ts';
import { acrFor, amrFor } from '../oidc/acr.ts';
import { renderPage } from '../views/index.ts';
import { clientName, finish, requestInfo, type Step, wordsOf } from './step.ts';

/**
 * The second-factor step at /interaction/<uid>/mfa. It exists only for an interaction whose first
 * factor passed (a pending sign-in stored under this uid, expiring with the interaction); without
 * one every action is refused, and oidc-provider's resume URL has no login result to act on.
 */
/** A failure names the method it was (which code to look at again); the rest stays generic. */
const failureOf = (t: Messages['mfa'], method: string): string =>
  method === 'passkey'
    ? t.failedPasskey
    : method === 'totp'
      ? t.failedTotp
      : method === 'email'
        ? t.failedEmail
        : method === 'recovery'
          ? t.failedRecovery
          : t.failed;

async function pendingFor(step: Step) {
  const pending = await step.services.mfa.pending(step.details.uid);
  if (!pending) throw new BadRequest(400, 'expired');
  return pending;
}

/**
 * Exported for the QR image: rendered here, server-side, as a data: URL (the CSP allows data: images).
 * The QR library (and its PNG encoder) is loaded by the first enrolment, not by every cold start.
 */
export async function qrDataUrl(uri: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
}

/** How each second step is named where the page offers another one. */
const methodName = (t: Messages['mfa'], method: string): string =>
  method === 'passkey'
    ? t.usePasskey
    : method === 'totp'
      ? t.useTotp
      : method === 'email'
        ? t.useEmail
        : method === 'recovery'
          ? t.useRecoveryCode
          : method;

/**
 * The second-step page shows one method at a time — `chosen` when the sign-in offers it, else the
 * first offered (the registry's order: the strongest first) — with the others offered beneath it.
 * After "send me a code" the e-mail code field has the focus.
 */
async function render(
  step: Step,
  csrf: string,
  message: { error?: string; notice?: string } = {},
  chosen?: string,
  sent = false,
): Promise<void> {
  const pending = await pendingFor(step);
  const screen = await step.services.mfa.screen(pending);
  const base = basePath(step.ctx);
  const t = wordsOf(step);
  step.ctx.type = 'html';
  if (screen.enrolment) {
    step.ctx.body = renderPage(
      'mfaEnrol',
      message.error ? errorTitle(t, t.enrol.title) : t.enrol.title,
      base,
      {
        locale: step.locale,
        action: `${step.path}/mfa/enrol`,
        abort: `${step.path}/abort`,
        csrf,
        qr: await qrDataUrl(screen.enrolment.uri),
        secret: screen.enrolment.secret,
        clientName: await clientName(step),
        ...branded(step.ctx, screen.brand),
        ...message,
      },
    );
    return;
  }
  const shown = screen.methods.find((m) => m === chosen) ?? screen.methods[0];
  if (message.error) step.ctx.status = 400;
  step.ctx.body = renderPage('mfa', message.error ? errorTitle(t, t.mfa.title) : t.mfa.title, base, {
    locale: step.locale,
    action: `${step.path}/mfa/verify`,
    send: `${step.path}/mfa/send`,
    passkey: `${step.path}/mfa/passkey`,
    abort: `${step.path}/abort`,
    csrf,
    methods: shown ? [shown] : [],
    others: screen.methods
      .filter((m) => m !== shown)
      .map((m) => ({ method: m, label: methodName(t.mfa, m), href: `${step.path}/mfa?method=${m}` })),
    sent,
    email: maskEmail(screen.userEmail),
    clientName: await clientName(step),
    ...branded(step.ctx, screen.brand),
    ...message,
  });
}

/** `a•••@example.com`: enough to recognise the address, not to learn it. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 1 ? '•••' : `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/**
 * A right code of a factor too weak for what the app asked (e-mail codes, an authenticator wanted):
 * the sign-in is refused, and the user is told how to get further. Nothing is enrolled here.
 */
async function renderTooWeak(step: Step, csrf: string, pending: PendingSignIn): Promise<void> {
  // Only a passkey is phishing-resistant: the page says to add one rather than an authenticator app.
  const passkey = pending.strength === 'phishing-resistant';
  const t = wordsOf(step).tooWeak;
  step.ctx.status = 403;
  step.ctx.type = 'html';
  step.ctx.body = renderPage('mfaTooWeak', passkey ? t.passkeyTitle : t.title, basePath(step.ctx), {
    locale: step.locale,
    passkey,
    account: `${basePath(step.ctx)}/account`,
    abort: `${step.path}/abort`,
    csrf,
    clientName: await clientName(step),
  });
}

/** Finishes the interaction for the user whose factor passed on this very sign-in, once. */
async function complete(step: Step, csrf: string): Promise<void> {
  const pending = await pendingFor(step);
  if (!pending.passed) throw new BadRequest(400, 'wrong_step');
  if (!step.services.mfa.strongEnough(pending)) return renderTooWeak(step, csrf, pending);
  if (!(await step.services.mfa.finish(pending))) throw new BadRequest(400, 'wrong_step');
  // The account is proven (password and factor) in this interaction: an offered link is made now.
  if (pending.linking)
    await step.services.federation.acceptLink({
      uid: pending.uid,
      userId: pending.userId,
      locale: step.locale,
    });
  if (pending.invitation)
    await step.services.invitations.accept({ ref: pending.invitation, userId: pending.userId });
  await finish(step, {
    login: {
      accountId: pending.userId,
      acr: acrFor(pending.proven ?? 'any'),
      amr: amrFor(pending.passed ?? null, pending.first ?? 'password', pending.amr),
      // Step-up keeps nothing of the old cookie's choice: a transient cookie is the safe default.
      remember: pending.remember && !pending.stepUp,
    },
  });
}

export const mfaStep = {
  show(step: Step, csrf: string): Promise<void> {
    const method = step.ctx.query.method;
    return render(step, csrf, {}, typeof method === 'string' ? method : undefined);
  },

  async verify(step: Step, form: Record<string, string>): Promise<void> {
    const pending = await pendingFor(step);
    const csrf = form.csrf ?? '';
    const outcome = await step.services.mfa.verify(
      pending,
      form.method ?? '',
      form.code ?? '',
      requestInfo(step),
    );
    const method = form.method ?? '';
    const t = wordsOf(step).mfa;
    if (outcome === 'wrong') return render(step, csrf, { error: failureOf(t, method) }, method);
    // A right authenticator code whose time step was used already: not a guess, so the user is told.
    if (outcome === 'replayed') return render(step, csrf, { error: t.replayed }, method);
    if (outcome === 'too_weak') return renderTooWeak(step, csrf, pending);
    return complete(step, csrf);
  },

  /** JSON for the page's script: the options of `navigator.credentials.get()` for this sign-in. */
  async passkeyOptions(step: Step): Promise<void> {
    const options = await step.services.mfa.passkeyOptions(await pendingFor(step));
    if (!options) throw new BadRequest(400, 'wrong_step');
    step.ctx.set('Cache-Control', 'no-store');
    step.ctx.type = 'application/json';
    step.ctx.body = options;
  },

  async send(step: Step, form: Record<string, string>): Promise<void> {
    const outcome = await step.services.mfa.sendEmailCode(await pendingFor(step), step.locale);
    const t = wordsOf(step).mfa;
    const message = {
      sent: { notice: t.sent },
      too_soon: { notice: t.tooSoon },
      hourly_limit: { error: t.hourlyLimit },
      refused: { error: t.refused },
    }[outcome];
    return render(step, form.csrf ?? '', message, 'email', outcome === 'sent' || outcome === 'too_soon');
  },

  async enrol(step: Step, form: Record<string, string>): Promise<void> {
    const pending = await pendingFor(step);
    // Only a sign-in that offered enrolment (a user with no factor) takes enrolment codes.
    if (!pending.enrol || pending.passed) throw new BadRequest(400, 'wrong_step');
    const outcome = await step.services.mfa.confirmEnrolment(
      pending,
      form.code ?? '',
      requestInfo(step),
      step.locale,
    );
    if (outcome === 'closed') throw new BadRequest(400, 'wrong_step');
    const t = wordsOf(step);
    if (outcome === 'wrong') return render(step, form.csrf ?? '', { error: t.enrol.wrong });
    const { codes } = outcome;
    step.ctx.type = 'html';
    step.ctx.body = renderPage('recoveryCodes', t.recoveryCodes.title, basePath(step.ctx), {
      locale: step.locale,
      action: `${step.path}/mfa/continue`,
      csrf: form.csrf ?? '',
      codes,
      ...branded(step.ctx, await step.services.brand.ofUser(pending.userId)),
    });
  },

  complete(step: Step, form: Record<string, string>): Promise<void> {
    return complete(step, form.csrf ?? '');
  },
};
