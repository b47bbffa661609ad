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

/** Quoted-printable (RFC 2045 §6.7) to the bytes it encodes, read as UTF-8 (nodemailer's charset). */
function decodeQuotedPrintable(s: string): string {
  const bytes = s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  // A quoted-printable body is 7-bit: each character above is one byte.
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function plainText(raw: string): string {
  const part = /Content-Type: text\/plain[^\r\n]*\r?\n((?:[^\r\n]+\r?\n)*)\r?\n([\s\S]*?)(?:\r?\n--|$)/i.exec(
    raw,
  );
  if (!part) return '';
  const body = part[2] ?? '';
  const headers = part[1] ?? '';
  if (/quoted-printable/i.test(headers)) return decodeQuotedPrintable(body);
  if (/base64/i.test(headers)) return Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  return body;
}

/** The Subject header, unfolded, with its RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `?B?`) decoded. */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1] ?? '';
  return header
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/=\?[^?]+\?([QB])\?([^?]*)\?=(?:\s+(?==\?))?/gi, (_m, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    )
    .trim();
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
          subject: subjectOf(raw),
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
