import { CookieJar } from 'tough-cookie';

/**
 * Drives Sesame's pages the way a browser without JavaScript would: a real cookie jar (paths,
 * SameSite, signed cookies), manual redirects, and HTML forms posted as urlencoded bodies.
 */
export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
}

export class FormClient {
  readonly jar = new CookieJar();

  async request(
    url: string,
    init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {},
  ) {
    const cookie = await this.jar.getCookieString(url);
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...init.headers,
      },
      ...(init.body ? { body: init.body.toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) await this.jar.setCookie(c, url, { ignoreError: true });
    return res;
  }

  /** Follows redirects until a page renders or the location leaves `stopAt` (e.g. the RP callback). */
  async follow(url: string, init: Parameters<FormClient['request']>[1] = {}, stopAt?: string): Promise<Page> {
    let current = url;
    let res = await this.request(current, init);
    for (let hops = 0; hops < 20 && res.status >= 300 && res.status < 400; hops++) {
      const next = new URL(res.headers.get('location') ?? '', current).href;
      if (stopAt && next.startsWith(stopAt))
        return { status: res.status, url: next, html: '', headers: res.headers };
      current = next;
      res = await this.request(current);
    }
    return { status: res.status, url: current, html: await res.text(), headers: res.headers };
  }

  /** Submits the form on `page` whose action ends with `actionSuffix`, with its hidden fields included. */
  async submit(
    page: Page,
    actionSuffix: string,
    fields: Record<string, string>,
    stopAt?: string,
  ): Promise<Page> {
    const form = findForm(page.html, actionSuffix);
    const body = new URLSearchParams({ ...form.hidden, ...fields });
    return this.follow(new URL(form.action, page.url).href, { method: 'POST', body }, stopAt);
  }
}

export function findForm(
  html: string,
  actionSuffix: string,
): { action: string; hidden: Record<string, string> } {
  const forms = html.match(/<form[^>]*>[\s\S]*?<\/form>/g) ?? [];
  for (const form of forms) {
    const action = /action="([^"]*)"/.exec(form)?.[1] ?? '';
    if (!action.endsWith(actionSuffix)) continue;
    const hidden: Record<string, string> = {};
    for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
      hidden[m[1] as string] = m[2] as string;
    }
    // Tokens and paths here are URL-safe, so no entity decoding is needed.
    return { action, hidden };
  }
  throw new Error(`no form with action ending ${actionSuffix}`);
}
