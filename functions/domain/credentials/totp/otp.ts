import type * as Otplib from 'otplib';
import { loadOnce } from '../../load-once.ts';

export type Otp = typeof Otplib;

/**
 * otplib (with its pure-JS HMAC and base32 plugins), loaded by the first TOTP code or enrolment a
 * container handles rather than by every cold start. The bundle keeps it in a chunk of its own
 * (infra/bundling.ts); import its types, never its values, anywhere else.
 */
export const loadOtp: () => Promise<Otp> = loadOnce(() => import('otplib'));
