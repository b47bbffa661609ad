import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, MailMessage } from '../../domain/ports.ts';

/** Amazon SES (v2 API). The identity is created by the CDK construct (infra/construct/mail.ts). */
export function sesMailer(options: { from: string; client?: Pick<SESv2Client, 'send'> }): Mailer {
  const client = options.client ?? new SESv2Client({});
  return {
    async send(message: MailMessage) {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: message.text, Charset: 'UTF-8' },
                Html: { Data: message.html, Charset: 'UTF-8' },
              },
            },
          },
        }),
      );
    },
  };
}
