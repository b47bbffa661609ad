/** What the interaction pages need from the domain, wired in functions/app.ts. */
export interface RequestInfo {
  ip: string;
  userAgent: string;
  clientId: string;
}

export type LoginResult = { ok: true; userId: string } | { ok: false };

export interface InteractionServices {
  /** Password sign-in with lockout. `{ok:false}` never says why: the page shows one message. */
  login(email: string, password: string, info: RequestInfo): Promise<LoginResult>;
  /** The app's display name and whether it is first-party. */
  clientInfo(clientId: string): Promise<{ name: string } | null>;
}
