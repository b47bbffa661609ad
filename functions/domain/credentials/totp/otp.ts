import type * as Otplib from 'otplib';

export type Otp = typeof Otplib;

let loading: Promise<Otp> | undefined;

/**
 * otplib (with its pure-JS HMAC and base32 plugins), loaded by the first TOTP code or enrolment a
 * container handles rather than by every cold start. The bundle keeps it in a chunk of its own
 * (infra/bundling.ts); import its types, never its values, anywhere else.
 */
export function loadOtp(): Promise<Otp> {
  loading ??= import('otplib').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
