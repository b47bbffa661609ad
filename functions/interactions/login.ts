import { basePath } from '../http/base-path.ts';
import { ACR } from '../oidc/acr.ts';
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
  show(step: Step, csrf: string): Promise<void> {
    const hint = step.details.params.login_hint;
    return render(step, csrf, typeof hint === 'string' ? hint.slice(0, 254) : '');
  },

  async submit(step: Step, form: Record<string, string>): Promise<void> {
    const email = (form.email ?? '').slice(0, 1024);
    const password = form.password ?? '';
    const result = await step.services.login(email, password, requestInfo(step));
    if (!result.ok) return render(step, form.csrf ?? '', email.slice(0, 254), GENERIC_FAILURE);
    await finish(step, {
      login: {
        accountId: result.userId,
        acr: ACR.password,
        amr: ['pwd'],
        // Without "keep me signed in" the session cookie ends with the browser session.
        remember: form.remember === 'yes',
      },
    });
  },
};
