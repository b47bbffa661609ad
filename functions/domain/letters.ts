import { Eta } from 'eta/core';
import { fill, pieces } from '../i18n/index.ts';
import type { MailMessage } from './ports.ts';

/**
 * The e-mails to users, made of catalogue sentences (functions/i18n, `mail`) in the user's language
 * where the request that causes them knows it, else English. The text part joins the paragraphs; the
 * HTML part is rendered by eta with every piece escaped, a filled-in value in bold.
 */
export type Paragraph = string | { text: string; values: Readonly<Record<string, string | number>> };

const eta = new Eta({ autoEscape: true, autoTrim: false });
const HTML = `<% for (const p of it.paragraphs) { %><p><% for (const piece of p) { %><% if (piece.name) { %><strong><%= piece.text %></strong><% } else { %><%= piece.text %><% } %><% } %></p>
<% } %>`;

export function letter(to: string, subject: string, paragraphs: readonly Paragraph[]): MailMessage {
  const text = paragraphs.map((p) => (typeof p === 'string' ? p : fill(p.text, p.values))).join('\n\n');
  const html = eta.renderString(HTML, {
    paragraphs: paragraphs.map((p) => (typeof p === 'string' ? [{ text: p }] : pieces(p.text, p.values))),
  });
  return { to, subject, text, html };
}
