import type { Mailer, MailMessage } from '../../domain/ports.ts';

/**
 * SMTP delivery (local development: the catcher `npm start` runs; any relay elsewhere). nodemailer is
 * loaded on first use and left out of the Lambda bundle (infra/bundling.ts), where mail goes through
 * SES: a Lambda configured for SMTP fails to send, closed.
 */
export function smtpMailer(options: { url: string; from: string }): Mailer {
  let transport: Promise<import('nodemailer').Transporter> | undefined;
  return {
    async send(message: MailMessage) {
      transport ??= import('nodemailer').then((m) => m.default.createTransport(options.url));
      await (await transport).sendMail({
        from: options.from,
        ...message,
        disableUrlAccess: true,
        disableFileAccess: true,
      });
    },
  };
}
