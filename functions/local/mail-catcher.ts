import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 that keeps every message in memory: `npm start` prints what it
 * catches, and the tests read codes out of real messages sent through nodemailer. Local only: no
 * authentication, no TLS, nothing relayed.
 */
export interface CaughtMail {
  from: string;
  to: string[];
  raw: string;
  /** The plain-text body, decoded from quoted-printable. */
  text: string;
  subject: string;
}

export interface MailCatcher {
  url: string;
  port: number;
  messages: CaughtMail[];
  /** Resolves with the next message to `to` (or one already caught after `since`). */
  next(to: string, since?: number): Promise<CaughtMail>;
  close(): Promise<void>;
}

function decodeQuotedPrintable(s: string): string {
  return s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function plainText(raw: string): string {
  const part = /Content-Type: text\/plain[^\r\n]*\r?\n((?:[^\r\n]+\r?\n)*)\r?\n([\s\S]*?)(?:\r?\n--|$)/i.exec(
    raw,
  );
  if (!part) return '';
  const body = part[2] ?? '';
  return /quoted-printable/i.test(part[1] ?? '') ? decodeQuotedPrintable(body) : body;
}

export async function startMailCatcher(
  options: { port?: number; onMail?: (mail: CaughtMail) => void } = {},
): Promise<MailCatcher> {
  const messages: CaughtMail[] = [];
  const waiters: Array<{ to: string; resolve: (m: CaughtMail) => void }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'Sesame local mail catcher',
    size: 1024 * 1024,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: CaughtMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw,
          text: plainText(raw),
          subject: /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? '',
        };
        messages.push(mail);
        options.onMail?.(mail);
        for (const w of waiters.splice(0)) {
          if (mail.to.includes(w.to)) w.resolve(mail);
          else waiters.push(w);
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    next(to, since = messages.length) {
      const want = to.toLowerCase();
      const already = messages.slice(since).find((m) => m.to.includes(want));
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => waiters.push({ to: want, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
