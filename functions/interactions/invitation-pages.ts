import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { basePath } from '../http/base-path.ts';
import { branded } from '../http/branding.ts';
import { BadRequest } from '../http/forms.ts';
import { localeOf } from '../http/locale.ts';
import { fill, type Messages, messages } from '../i18n/index.ts';
import { describePolicy, describeViolation } from '../shared/messages.ts';
import { addViews, renderPage } from '../views/index.ts';
import { templates } from '../views/invitation.ts';
import { carried, cookiePaths, forgetIn, INVITATION_COOKIE, LINK } from './invitation.ts';
import { signInWithPassword } from './login.ts';
import type { AccountProblem, InteractionServices } from './services.ts';
import { type Step, wordsOf } from './step.ts';

addViews({ templates, partials: {} });

/**
 * The invitation's pages (invitation.ts says how accepting one goes), loaded by the first request
 * that carries one: the mailed link, `GET /invitation/<token>`, and the invitation shown instead of
 * the sign-in page.
 */

/** The mailed link (its path matched, its caching set by invitation.ts). */
export async function openLink(
  ctx: Context,
  provider: Provider,
  services: InteractionServices,
): Promise<void> {
  if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
  const token = LINK.exec(ctx.path)?.[1] ?? '';
  const found = token ? await services.invitations.open(token) : null;
  if (!found) return page(ctx, 410, 'invitationGone', {});
  const session = await provider.Session.get(ctx as never);
  if (session.accountId) {
    const outcome = await services.invitations.acceptFromSession({
      ref: found.ref,
      userId: session.accountId,
      signedInAt: session.authTime(),
      amr: session.amr,
    });
    if (outcome === 'accepted') {
      ctx.status = 303;
      return ctx.redirect(found.startAt);
    }
    if (outcome === 'refused')
      return page(ctx, 409, 'invitationOtherAccount', {
        logout: `${basePath(ctx)}/session/end`,
      });
    // A session that no longer counts: the app's sign-in will ask again, and show the invitation.
  }
  for (const path of cookiePaths(ctx))
    ctx.cookies.set(INVITATION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      path,
      // Short, and cleared at sign-out: the next person at this browser must not find it.
      maxAge: 15 * 60 * 1000,
      // Not `overwrite`: that drops the header set for the other path.
    });
  ctx.status = 303;
  ctx.redirect(found.startAt);
}

/** The link's own pages, outside any sign-in: in the browser's language. */
function page(
  ctx: Context,
  status: number,
  view: 'invitationGone' | 'invitationOtherAccount',
  data: Record<string, unknown>,
) {
  const locale = localeOf(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = renderPage(view, messages(locale).invitation.pageTitle, basePath(ctx), { ...data, locale });
}

const forget = (step: Step): void => forgetIn(step.ctx);

async function render(
  step: Step,
  csrf: string,
  invitation: NonNullable<Awaited<ReturnType<typeof carried>>>,
  extra: { error?: string; name?: string } = {},
) {
  const title = fill(wordsOf(step).invitation.title, { tenant: invitation.tenantName });
  step.ctx.type = 'html';
  step.ctx.body = renderPage('acceptInvitation', title, basePath(step.ctx), {
    ...invitation,
    locale: step.locale,
    action: `${step.path}/accept`,
    csrf,
    name: extra.name ?? '',
    error: extra.error,
    federate: `${step.path}/federate`,
    rules: describePolicy(step.services.passwordPolicy, step.locale),
    ...branded(step.ctx, await step.services.brand.ofTenant(invitation.tenantId)),
  });
}

export const invitationStep = {
  /** Shows the invitation instead of the sign-in page when this browser carries a live one; false otherwise. */
  async show(step: Step, csrf: string): Promise<boolean> {
    const invitation = await carried(step);
    if (!invitation) return false;
    await render(step, csrf, invitation);
    return true;
  },

  async submit(step: Step, form: Record<string, string>): Promise<void> {
    const csrf = form.csrf ?? '';
    const invitation = await carried(step);
    if (form.skip === 'yes' || !invitation) {
      forget(step);
      step.ctx.status = 303;
      return step.ctx.redirect(step.path);
    }
    const password = form.password ?? '';
    const t = wordsOf(step);
    if (!invitation.hasAccount) {
      const name = (form.name ?? '').trim();
      if (!name || name.length > 200)
        return render(step, csrf, invitation, { error: t.invitation.giveName, name: name.slice(0, 200) });
      if (password !== (form.password2 ?? ''))
        return render(step, csrf, invitation, { error: t.common.passwordsDiffer, name });
      const created = await step.services.invitations.createAccount(invitation.token, { name, password });
      if (created === 'gone') {
        forget(step);
        throw new BadRequest(400, 'expired');
      }
      if (created !== 'created')
        return render(step, csrf, invitation, { error: problemText(step, t, created.problem), name });
    }
    const outcome = await signInWithPassword(step, {
      email: invitation.email,
      password,
      remember: false,
      invitation: invitation.ref,
    });
    if (outcome === 'failed') return render(step, csrf, invitation, { error: t.invitation.wrongPassword });
    if (outcome === 'federation_only')
      return render(step, csrf, invitation, { error: t.login.federationOnly });
    if (outcome === 'taken') {
      step.ctx.status = 400;
      return render(step, csrf, invitation, { error: t.invitation.taken });
    }
    forget(step);
  },
};

/** What to fix for the account to be created, in the sign-in's language. */
function problemText(step: Step, t: Messages, problem: AccountProblem): string {
  const words = t.invitation;
  switch (problem.code) {
    case 'weak_password':
      return problem.violations
        .map((v) => describeViolation(v, step.services.passwordPolicy, step.locale))
        .join(' ');
    case 'invalid_email':
      return words.invalidEmail;
    case 'email_taken':
      return words.accountExists;
    case 'name':
      return words.giveName;
    case 'foreign_domain':
      return words.foreignDomain;
    case 'federation_only':
      return words.federationOnlyJoin;
    case 'other':
      return words.notAccepted;
  }
}
