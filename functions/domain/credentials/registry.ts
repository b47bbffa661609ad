import { emailCode } from './email-code/strategy.ts';
import { federation } from './federation/strategy.ts';
import { passkey } from './passkey/strategy.ts';
import { password } from './password/strategy.ts';
import { recoveryCodes } from './recovery-codes/strategy.ts';
import type { CredentialStrategy, Method, SecondStep, StrategyId } from './strategy.ts';
import { totp } from './totp/strategy.ts';

/**
 * The second steps by method name, in the order of the second-step page and the account page
 * (strongest first, back-ups last). Every name the configuration knows (functions/config/methods.ts)
 * has its strategy here and nothing else is here: a mismatch does not compile.
 */
const BY_METHOD = {
  passkey,
  totp,
  email: emailCode,
  recovery: recoveryCodes,
} satisfies Record<Method, SecondStep>;

/** The second steps, in page order. */
export const SECOND_STEPS: readonly SecondStep[] = Object.values(BY_METHOD);

/**
 * Every credential strategy, once. Adding a way to sign in means adding its folder and one line here
 * (docs/architecture.md).
 */
export const STRATEGIES: readonly CredentialStrategy[] = [password, federation, ...SECOND_STEPS];

export function secondStep(method: string): SecondStep | undefined {
  return Object.hasOwn(BY_METHOD, method) ? BY_METHOD[method as Method] : undefined;
}

export function strategy(id: StrategyId): CredentialStrategy | undefined {
  return STRATEGIES.find((s) => s.method === id);
}

/**
 * RFC 8176 `amr` of a sign-in: its first step's values, then the second step's (`used`: those of this
 * very use, where they depend on it), then `mfa`.
 */
export function amrOf(first: StrategyId, second: StrategyId | null, used?: readonly string[]): string[] {
  const values = [...(strategy(first)?.amr ?? [])];
  if (second !== null) values.push(...(used ?? strategy(second)?.amr ?? []), 'mfa');
  return [...new Set(values)];
}
