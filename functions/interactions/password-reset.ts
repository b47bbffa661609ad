import { basePath } from '../http/base-path.ts';
import { BadRequest } from '../http/forms.ts';
import { renderPage } from '../views/index.ts';
import { renderLogin } from './login.ts';
import type { Step } from './step.ts';

/**
 * "Forgot your password?" inside the sign-in it interrupts (domain/password-reset.ts): the address
 * (`/forgot`), the e-mailed code (`/reset/code`), the new password — with the authenticator when the
 * account has one — (`/reset/password`), then back to this sign-in's login page to sign in with it.
 * The address is carried from page to page in the forms only to be shown and pre-filled; what the
 * reset acts on is the record bound to this interaction.
 */
const WRONG_CODE = 'That code is not right, or it has expired. Check the e-mail, or ask for a new code.';
const TOO_MANY = 'That code can no longer be used. Ask for a new code.';

function page(
  step: Step,
  view: 'forgotPassword' | 'resetCode' | 'resetPassword',
  title: string,
  data: object,
) {
  step.ctx.type = 'html';
  step.ctx.body = renderPage(view, title, basePath(step.ctx), {
    back: step.path,
    again: `${step.path}/forgot`,
    ...data,
  });
}

const email = (form: Record<string, string>) => (form.email ?? '').trim().slice(0, 254);

export const resetStep = {
  show(step: Step, csrf: string): void {
    const hint = step.details.params.login_hint;
    page(step, 'forgotPassword', 'Reset your password', {
      action: `${step.path}/forgot`,
      csrf,
      email: typeof hint === 'string' ? hint.slice(0, 254) : '',
    });
  },

  async request(step: Step, form: Record<string, string>): Promise<void> {
    const csrf = form.csrf ?? '';
    const address = email(form);
    const outcome = await step.services.reset.request({
      uid: step.details.uid,
      email: address,
      interactionExpiresAt: step.details.exp * 1000,
      info: { ip: step.ctx.ip, userAgent: step.ctx.get('user-agent').slice(0, 256), clientId: '' },
    });
    if (outcome === 'invalid_email') {
      step.ctx.status = 400;
      return page(step, 'forgotPassword', 'Reset your password', {
        action: `${step.path}/forgot`,
        csrf,
        email: address,
        error: 'This is not an e-mail address. Check it and try again.',
      });
    }
    page(step, 'resetCode', 'Enter the code', {
      action: `${step.path}/reset/code`,
      csrf,
      email: address,
      ...(outcome === 'too_soon'
        ? { error: 'A code was sent less than a minute ago: use that one, or wait a moment.' }
        : {}),
    });
  },

  async code(step: Step, form: Record<string, string>): Promise<void> {
    const csrf = form.csrf ?? '';
    const checked = await step.services.reset.verify({
      uid: step.details.uid,
      code: (form.code ?? '').slice(0, 20),
    });
    if (checked !== 'ok') {
      step.ctx.status = 400;
      return page(step, 'resetCode', 'Error: enter the code', {
        action: `${step.path}/reset/code`,
        csrf,
        email: email(form),
        error: checked === 'wrong' ? WRONG_CODE : TOO_MANY,
      });
    }
    return passwordPage(step, csrf, []);
  },

  async password(step: Step, form: Record<string, string>): Promise<void> {
    const csrf = form.csrf ?? '';
    const password = form.password ?? '';
    if (password !== (form.password2 ?? '')) return passwordPage(step, csrf, ['The two passwords differ.']);
    const outcome = await step.services.reset.complete({
      uid: step.details.uid,
      password,
      ...(form.factorCode ? { factor: { method: form.method ?? '', code: form.factorCode } } : {}),
      info: { ip: step.ctx.ip, userAgent: step.ctx.get('user-agent').slice(0, 256), clientId: '' },
    });
    if (outcome.ok)
      return renderLogin(step, csrf, outcome.email, {
        notice:
          'Your password was changed, and every session of your account signed out. Sign in with the new password.',
      });
    if (outcome.reason === 'expired') throw new BadRequest(400, 'expired');
    if (outcome.reason === 'weak_password') return passwordPage(step, csrf, outcome.problems);
    return passwordPage(step, csrf, [
      outcome.reason === 'factor_needed'
        ? 'Enter a code from your authenticator app, or a recovery code.'
        : 'That authenticator or recovery code is not right.',
    ]);
  },
};

async function passwordPage(step: Step, csrf: string, problems: string[]): Promise<void> {
  if (problems.length) step.ctx.status = 400;
  page(step, 'resetPassword', problems.length ? 'Error: choose a new password' : 'Choose a new password', {
    action: `${step.path}/reset/password`,
    csrf,
    needsFactor: await step.services.reset.needsFactor(step.details.uid),
    rules: step.services.passwordRules,
    ...(problems.length ? { problems } : {}),
  });
}
