import type { Mailer, MailMessage } from '../../domain/ports.ts';

/**
 * SMTP delivery (local development: the catcher `npm start` runs; LocalStack's mail catcher; any relay
 * elsewhere). nodemailer is loaded on first use; the Lambda bundle has it only when the CDK construct is
 * configured for SMTP (`email.smtpUrl`, infra/bundling.ts) — elsewhere mail goes through SES, and a
 * function configured for SMTP without it fails to send, closed.
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
