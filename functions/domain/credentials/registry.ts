import { emailCode } from './email-code/strategy.ts';
import { password } from './password/strategy.ts';
import { recoveryCodes } from './recovery-codes/strategy.ts';
import type { CredentialStrategy, SecondStep, StrategyId } from './strategy.ts';
import { totp } from './totp/strategy.ts';

/**
 * Every credential strategy, once. The order is the order of the second-step page (strongest first,
 * back-ups last). Adding a way to sign in means adding its folder and one line here
 * (docs/architecture.md).
 */
export const STRATEGIES: readonly CredentialStrategy[] = [password, totp, emailCode, recoveryCodes];

const isSecondStep = (s: CredentialStrategy): s is SecondStep => s.step === 'second';

/** The second steps, in page order. */
export const SECOND_STEPS: readonly SecondStep[] = STRATEGIES.filter(isSecondStep);

export function secondStep(method: string): SecondStep | undefined {
  return SECOND_STEPS.find((s) => s.method === method);
}

export function strategy(id: StrategyId): CredentialStrategy | undefined {
  return STRATEGIES.find((s) => s.method === id);
}

/** RFC 8176 `amr` of a sign-in: its first step's values, then the second step's, then `mfa`. */
export function amrOf(first: StrategyId, second: StrategyId | null): string[] {
  const values = [...(strategy(first)?.amr ?? [])];
  if (second !== null) values.push(...(strategy(second)?.amr ?? []), 'mfa');
  return [...new Set(values)];
}
