import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerKeySetStore } from '../../functions/adapters/secrets/key-set-store.ts';
import { KEY_REFRESH_MS } from '../../functions/adapters/secrets/refresh.ts';
import { type Config, configFromEnv } from '../../functions/config/config.ts';
import { type Clock, systemClock } from '../../functions/domain/clock.ts';
import type { KeyMaker } from '../../functions/domain/keys/key-sets.ts';
import {
  type KeySetStore,
  type ReplaceableSecret,
  type RotationOutcome,
  rotateKeys,
  rotationTimes,
} from '../../functions/domain/keys/rotation.ts';
import { keyMaker } from '../../functions/oidc/keys.ts';
import { loggingAuditSink } from '../../functions/shared/audit-log.ts';
import { createLogger, errorFields, type Logger } from '../../functions/shared/logger.ts';

/**
 * The key rotation function, run by an EventBridge schedule (one step per secret per run, see
 * functions/domain/keys/rotation.ts). Invoked by hand with `{"force":"signing"}` or
 * `{"force":"cookie"}` it replaces that key set at once (a leaked key: docs/operations.md).
 * Every step is logged as an audit line with the secret and public key ids, never key material. A run
 * in which a secret could not be rotated fails, so the function's error alarm reports it; a run that
 * lost a race to another changed nothing and succeeds.
 */
let run: ((event: unknown) => Promise<RunSummary>) | undefined;
export const handler = (event: unknown): Promise<RunSummary> => {
  // Built on the first invocation, not at import: tests import rotationHandler from here.
  if (!run) {
    const config = configFromEnv();
    if (config.secretStore.kind !== 'secretsmanager')
      throw new Error('the rotation needs SESAME_SECRET_STORE=secretsmanager');
    run = rotationHandler({
      config,
      store: new SecretsManagerKeySetStore(new SecretsManagerClient({}), {
        prefix: config.secretStore.prefix,
      }),
      logger: createLogger({ level: config.logLevel }),
    });
  }
  return run(event);
};

const FORCE: Record<string, ReplaceableSecret> = { signing: 'oidc-signing-keys', cookie: 'cookie-keys' };

export class RotationFailed extends Error {
  override name = 'RotationFailed';
}

export interface RotationHandlerDeps {
  config: Pick<Config, 'ttl' | 'keyRotation'>;
  store: KeySetStore;
  logger: Logger;
  maker?: KeyMaker;
  clock?: Clock;
}

/** What a run answers (no key material): per secret, what happened and, when nothing, what comes next. */
export type RunSummary = Array<{
  secret: string;
  result: string;
  step?: string;
  dueAt?: string;
  keyIds?: string[];
}>;

export function rotationHandler(deps: RotationHandlerDeps) {
  const times = rotationTimes(deps.config, KEY_REFRESH_MS);
  const audit = loggingAuditSink({ record: async () => {} }, deps.logger);
  return async (event: unknown): Promise<RunSummary> => {
    const force = (event as { force?: unknown } | null)?.force;
    if (force !== undefined && (typeof force !== 'string' || !(force in FORCE)))
      throw new RotationFailed(`"force" must be one of ${Object.keys(FORCE).join(', ')}`);
    const replace = typeof force === 'string' ? FORCE[force] : undefined;
    const outcomes = await rotateKeys(
      { store: deps.store, maker: deps.maker ?? keyMaker, clock: deps.clock ?? systemClock, audit },
      times,
      replace ? { replace } : {},
    );
    for (const outcome of outcomes) report(deps.logger, outcome);
    const failed = outcomes.filter((o) => o.result === 'failed').map((o) => o.secret);
    if (failed.length > 0) throw new RotationFailed(`could not rotate ${failed.join(', ')}`);
    return outcomes.map(summary);
  };
}

function report(logger: Logger, outcome: RotationOutcome): void {
  if (outcome.result === 'failed')
    logger.error('keys.rotation_failed', { keySet: outcome.secret, ...errorFields(outcome.error) });
  else if (outcome.result === 'lost')
    logger.warn('keys.rotation_lost', { keySet: outcome.secret, step: outcome.step });
  else if (outcome.result === 'not_due')
    logger.info('keys.rotation_not_due', {
      keySet: outcome.secret,
      step: outcome.step,
      dueAt: new Date(outcome.dueAt).toISOString(),
    });
  // A step taken was logged as its audit event.
}

function summary(outcome: RotationOutcome): RunSummary[number] {
  const { secret, result } = outcome;
  if (result === 'rotated') return { secret, result, step: outcome.step, keyIds: outcome.keyIds };
  if (result === 'not_due')
    return { secret, result, step: outcome.step, dueAt: new Date(outcome.dueAt).toISOString() };
  if (result === 'lost') return { secret, result, step: outcome.step };
  return { secret, result };
}
