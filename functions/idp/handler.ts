import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { sesameWithKeyRefresh } from '../app.ts';
import { configFromEnv } from '../config/config.ts';
import { createLogger } from '../shared/logger.ts';
import { createDynamoParts, type DynamoParts } from './parts.ts';

/**
 * Lambda entry for the whole browser- and RP-facing surface (OIDC endpoints + interaction pages).
 * Config is read once per container. The signing and cookie keys are loaded on the first request and
 * re-read at most every 5 minutes: when they changed (a rotation step), the application is rebuilt
 * with them, without recycling the container (sesameWithKeyRefresh); the MFA keys are re-read on the
 * same period by the secret box (parts.ts). A failed first load is retried on the next request
 * instead of being cached.
 */
const config = configFromEnv();
const logger = createLogger({ level: config.logLevel });
let parts: DynamoParts | undefined;
const current = sesameWithKeyRefresh(config, () => {
  parts ??= createDynamoParts(config, logger);
  return parts;
});

export async function handler(event: APIGatewayProxyEvent, context: Context) {
  return (await current()).handler(event, context);
}
