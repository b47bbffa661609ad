import type { Context } from 'koa';

/** A 4xx the interaction pages render as a friendly page; never carries internals. */
export class BadRequest extends Error {
  override name = 'BadRequest';
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 413 | 415,
    readonly code: string,
  ) {
    super(code);
  }
}

const MAX_FORM_BYTES = 16 * 1024;

/**
 * Reads an application/x-www-form-urlencoded body (WHATWG URLSearchParams does the decoding).
 * Oversized bodies, other content types and repeated fields are refused with a 4xx.
 */
export async function readForm(ctx: Context, fields: readonly string[]): Promise<Record<string, string>> {
  return (await readFormWithLists(ctx, fields, [])).fields;
}

/** As readForm, plus fields that may repeat (checkboxes): every value of each, at most 100. */
export async function readFormWithLists(
  ctx: Context,
  fields: readonly string[],
  lists: readonly string[],
): Promise<{ fields: Record<string, string>; lists: Record<string, string[]> }> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new BadRequest(415, 'unsupported_content_type');
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > MAX_FORM_BYTES) throw new BadRequest(413, 'body_too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new BadRequest(413, 'body_too_large');
    chunks.push(chunk as Buffer);
  }
  const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const out: Record<string, string> = {};
  for (const name of fields) {
    const values = params.getAll(name);
    if (values.length > 1) throw new BadRequest(400, 'duplicate_parameter');
    out[name] = values[0] ?? '';
  }
  const many: Record<string, string[]> = {};
  for (const name of lists) {
    const values = params.getAll(name);
    if (values.length > 100) throw new BadRequest(400, 'too_many_values');
    many[name] = values;
  }
  return { fields: out, lists: many };
}
