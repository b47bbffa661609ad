import type { Config } from '../../config/config.ts';
import type { Mailer, MailMessage } from '../../domain/ports.ts';
import { smtpMailer } from './smtp.ts';

export class MailNotConfigured extends Error {
  override name = 'MailNotConfigured';
}

/** The mailer config.mail asks for; `none` fails every send (e-mail codes then can't be used: fail closed). */
export function mailerFor(config: Pick<Config, 'mail'>): Mailer {
  const { transport, from, smtpUrl } = config.mail;
  if (transport === 'ses')
    return loadedOnFirstSend(() => import('./ses.ts').then((m) => m.sesMailer({ from })));
  if (transport === 'smtp') {
    if (!smtpUrl) throw new MailNotConfigured('SESAME_SMTP_URL is required for SMTP');
    return smtpMailer({ url: smtpUrl, from });
  }
  return {
    async send() {
      throw new MailNotConfigured('no mail transport configured');
    },
  };
}

/**
 * The SES client (its API's schemas are a twentieth of the Lambda bundle) is loaded by the first
 * mail a container sends, not by every cold start: most requests send none. The bundle keeps it in
 * a chunk of its own (infra/bundling.ts).
 */
function loadedOnFirstSend(load: () => Promise<Mailer>): Mailer {
  let loading: Promise<Mailer> | undefined;
  return {
    async send(message: MailMessage) {
      loading ??= load().catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
      await (await loading).send(message);
    },
  };
}
