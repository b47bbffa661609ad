import type { Config } from '../../config/config.ts';
import type { Mailer } from '../../domain/ports.ts';
import { sesMailer } from './ses.ts';
import { smtpMailer } from './smtp.ts';

export class MailNotConfigured extends Error {
  override name = 'MailNotConfigured';
}

/** The mailer config.mail asks for; `none` fails every send (e-mail codes then can't be used: fail closed). */
export function mailerFor(config: Pick<Config, 'mail'>): Mailer {
  const { transport, from, smtpUrl } = config.mail;
  if (transport === 'ses') return sesMailer({ from });
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
