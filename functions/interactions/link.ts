import { basePath } from '../http/base-path.ts';
import { BadRequest } from '../http/forms.ts';
import { addViews, renderPage } from '../views/index.ts';
import { templates } from '../views/link-account.ts';
import { signInWithPassword } from './login.ts';
import { type Step, wordsOf } from './step.ts';

addViews({ templates, partials: {} });

/**
 * `/interaction/<uid>/link`: a new upstream identity arrived with the address of an existing account
 * (domain/federation/link-offer.ts). The page asks for that account's password — the ordinary
 * password step, lockout and all, for that address only — then its second factor when it needs one;
 * the link is made when that sign-in finishes in this interaction. Without an offer there is no page.
 */
async function render(step: Step, csrf: string, error?: string): Promise<void> {
  const offer = await step.services.federation.linkOffer(step.details.uid);
  if (!offer) throw new BadRequest(400, 'expired');
  step.ctx.type = 'html';
  step.ctx.body = renderPage('linkAccount', wordsOf(step).link.title, basePath(step.ctx), {
    ...offer,
    locale: step.locale,
    action: `${step.path}/link`,
    abort: `${step.path}/abort`,
    csrf,
    error,
  });
}

export const linkStep = {
  show(step: Step, csrf: string): Promise<void> {
    return render(step, csrf);
  },

  async submit(step: Step, form: Record<string, string>): Promise<void> {
    const offer = await step.services.federation.linkOffer(step.details.uid);
    if (!offer) throw new BadRequest(400, 'expired');
    const outcome = await signInWithPassword(step, {
      email: offer.email,
      password: form.password ?? '',
      remember: false,
      linking: true,
    });
    const t = wordsOf(step).login;
    if (outcome === 'failed') return render(step, form.csrf ?? '', t.failed);
    if (outcome === 'federation_only') return render(step, form.csrf ?? '', t.federationOnly);
    if (outcome === 'taken') {
      step.ctx.status = 400;
      return render(step, form.csrf ?? '', t.taken);
    }
  },
};
