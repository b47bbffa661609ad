import QRCode from 'qrcode';
import { basePath } from '../http/base-path.ts';
import { BadRequest } from '../http/forms.ts';
import { acrFor, amrFor } from '../oidc/acr.ts';
import { clientName, finish, requestInfo, type Step } from './step.ts';
import { renderPage } from './views.ts';

/**
 * The second-factor step at /interaction/<uid>/mfa. It exists only for an interaction whose first
 * factor passed (a pending sign-in stored under this uid, expiring with the interaction); without
 * one every action is refused, and oidc-provider's resume URL has no login result to act on.
 */
const GENERIC_FAILURE = 'The code is incorrect or has expired, or the account is temporarily locked.';

async function pendingFor(step: Step) {
  const pending = await step.services.mfa.pending(step.details.uid);
  if (!pending) throw new BadRequest(400, 'expired');
  return pending;
}

/** Exported for the QR image: rendered here, server-side, as a data: URL (the CSP allows data: images). */
export function qrDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
}

async function render(
  step: Step,
  csrf: string,
  message: { error?: string; notice?: string } = {},
): Promise<void> {
  const pending = await pendingFor(step);
  const screen = await step.services.mfa.screen(pending);
  const base = basePath(step.ctx);
  step.ctx.type = 'html';
  if (screen.enrolment) {
    step.ctx.body = renderPage('mfaEnrol', 'Set up two-step verification', base, {
      action: `${step.path}/mfa/enrol`,
      abort: `${step.path}/abort`,
      csrf,
      qr: await qrDataUrl(screen.enrolment.uri),
      secret: screen.enrolment.secret,
      clientName: await clientName(step),
      ...message,
    });
    return;
  }
  step.ctx.body = renderPage('mfa', 'Two-step verification', base, {
    action: `${step.path}/mfa/verify`,
    send: `${step.path}/mfa/send`,
    abort: `${step.path}/abort`,
    csrf,
    methods: screen.methods,
    email: maskEmail(screen.userEmail),
    clientName: await clientName(step),
    ...message,
  });
}

/** `a•••@example.com`: enough to recognise the address, not to learn it. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 1 ? '•••' : `${email.slice(0, 1)}•••${email.slice(at)}`;
}

async function complete(step: Step): Promise<void> {
  const pending = await pendingFor(step);
  if (!pending.passed) throw new BadRequest(400, 'wrong_step');
  await step.services.mfa.finish(pending.uid);
  await finish(step, {
    login: {
      accountId: pending.userId,
      acr: acrFor(pending.passed),
      amr: amrFor(pending.passed),
      // Step-up keeps nothing of the old cookie's choice: a transient cookie is the safe default.
      remember: pending.remember && !pending.stepUp,
    },
  });
}

export const mfaStep = {
  show(step: Step, csrf: string): Promise<void> {
    return render(step, csrf);
  },

  async verify(step: Step, form: Record<string, string>): Promise<void> {
    const pending = await pendingFor(step);
    const ok = await step.services.mfa.verify(pending, form.method ?? '', form.code ?? '', requestInfo(step));
    if (!ok) return render(step, form.csrf ?? '', { error: GENERIC_FAILURE });
    return complete(step);
  },

  async send(step: Step, form: Record<string, string>): Promise<void> {
    const outcome = await step.services.mfa.sendEmailCode(await pendingFor(step));
    const notice =
      outcome === 'sent'
        ? 'We sent a code to your e-mail address. Enter it below; it works once.'
        : outcome === 'too_soon'
          ? 'A code was sent a moment ago. Please wait before asking for another one.'
          : undefined;
    return render(
      step,
      form.csrf ?? '',
      notice ? { notice } : { error: 'E-mail codes cannot be used here.' },
    );
  },

  async enrol(step: Step, form: Record<string, string>): Promise<void> {
    const pending = await pendingFor(step);
    const codes = await step.services.mfa.confirmEnrolment(pending, form.code ?? '');
    if (!codes)
      return render(step, form.csrf ?? '', {
        error: 'That code did not match. Check the time on your phone and try again.',
      });
    step.ctx.type = 'html';
    step.ctx.body = renderPage('recoveryCodes', 'Your recovery codes', basePath(step.ctx), {
      action: `${step.path}/mfa/continue`,
      csrf: form.csrf ?? '',
      codes,
    });
  },

  complete,
};
