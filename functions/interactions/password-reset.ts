import { basePath } from '../http/base-path.ts';
import { BadRequest } from '../http/forms.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { errorTitle } from '../i18n/index.ts';
import { describePolicy, describeViolation } from '../shared/messages.ts';
import { addViews, renderPage } from '../views/index.ts';
import { templates } from '../views/password-reset.ts';
import { renderLogin } from './login.ts';
import { type Step, wordsOf } from './step.ts';

addViews({ templates, partials: {} });

/**
 * "Forgot your password?" inside the sign-in it interrupts (domain/password-reset.ts): the address
 * (`/forgot`), the e-mailed code (`/reset/code`), the new password — with the authenticator when the
 * account has one — (`/reset/password`), then back to this sign-in's login page to sign in with it.
 * The address is carried from page to page in the forms only to be shown and pre-filled; what the
 * reset acts on is the record bound to this interaction. The e-mail goes in the sign-in's language.
 */
function page(
  step: Step,
  view: 'forgotPassword' | 'resetCode' | 'resetPassword',
  title: string,
  data: object,
) {
  step.ctx.type = 'html';
  step.ctx.body = renderPage(view, title, basePath(step.ctx), {
    locale: step.locale,
    back: step.path,
    again: `${step.path}/forgot`,
    ...data,
  });
}

const email = (form: Record<string, string>) => (form.email ?? '').trim().slice(0, 254);

export const resetStep = {
  show(step: Step, csrf: string): void {
    const hint = step.details.params.login_hint;
    page(step, 'forgotPassword', wordsOf(step).forgot.title, {
      action: `${step.path}/forgot`,
      csrf,
      email: typeof hint === 'string' ? hint.slice(0, 254) : '',
    });
  },

  async request(step: Step, form: Record<string, string>): Promise<void> {
    const csrf = form.csrf ?? '';
    const address = email(form);
    const t = wordsOf(step);
    const outcome = await step.services.reset.request({
      uid: step.details.uid,
      email: address,
      interactionExpiresAt: step.details.exp * 1000,
      info: { ...requestOrigin(step.ctx), clientId: '' },
      locale: step.locale,
    });
    if (outcome === 'invalid_email') {
      step.ctx.status = 400;
      return page(step, 'forgotPassword', errorTitle(t, t.forgot.title), {
        action: `${step.path}/forgot`,
        csrf,
        email: address,
        error: t.forgot.invalidEmail,
      });
    }
    page(step, 'resetCode', t.resetCode.title, {
      action: `${step.path}/reset/code`,
      csrf,
      email: address,
      ...(outcome === 'too_soon' ? { error: t.resetCode.tooSoon } : {}),
    });
  },

  async code(step: Step, form: Record<string, string>): Promise<void> {
    const csrf = form.csrf ?? '';
    const t = wordsOf(step);
    const checked = await step.services.reset.verify({
      uid: step.details.uid,
      code: (form.code ?? '').slice(0, 20),
    });
    if (checked !== 'ok') {
      step.ctx.status = 400;
      return page(step, 'resetCode', errorTitle(t, t.resetCode.title), {
        action: `${step.path}/reset/code`,
        csrf,
        email: email(form),
        error: checked === 'wrong' ? t.resetCode.wrong : t.resetCode.used,
      });
    }
    return passwordPage(step, csrf, []);
  },

  async password(step: Step, form: Record<string, string>): Promise<void> {
    const csrf = form.csrf ?? '';
    const password = form.password ?? '';
    const t = wordsOf(step);
    if (password !== (form.password2 ?? '')) return passwordPage(step, csrf, [t.common.passwordsDiffer]);
    const outcome = await step.services.reset.complete({
      uid: step.details.uid,
      password,
      ...(form.factorCode ? { factor: { method: form.method ?? '', code: form.factorCode } } : {}),
      info: { ...requestOrigin(step.ctx), clientId: '' },
      locale: step.locale,
    });
    if (outcome.ok) return renderLogin(step, csrf, outcome.email, { notice: t.login.passwordReset });
    if (outcome.reason === 'expired') throw new BadRequest(400, 'expired');
    if (outcome.reason === 'weak_password')
      return passwordPage(
        step,
        csrf,
        outcome.violations.map((v) => describeViolation(v, step.services.passwordPolicy, step.locale)),
      );
    return passwordPage(step, csrf, [
      outcome.reason === 'factor_needed' ? t.resetPassword.factorNeeded : t.resetPassword.wrongFactor,
    ]);
  },
};

async function passwordPage(step: Step, csrf: string, problems: string[]): Promise<void> {
  const t = wordsOf(step);
  if (problems.length) step.ctx.status = 400;
  page(
    step,
    'resetPassword',
    problems.length ? errorTitle(t, t.resetPassword.title) : t.resetPassword.title,
    {
      action: `${step.path}/reset/password`,
      csrf,
      needsFactor: await step.services.reset.needsFactor(step.details.uid),
      rules: describePolicy(step.services.passwordPolicy, step.locale),
      ...(problems.length ? { problems } : {}),
    },
  );
}
