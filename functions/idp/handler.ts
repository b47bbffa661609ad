import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createSesame, type Sesame } from '../app.ts';
import { configFromEnv } from '../config/config.ts';
import { createLogger } from '../shared/logger.ts';
import { createDynamoParts } from './parts.ts';

/**
 * Lambda entry for the whole browser- and RP-facing surface (OIDC endpoints + interaction pages).
 * Config is read once per container; keys are loaded on the first request and then cached.
 */
const config = configFromEnv();
const logger = createLogger({ level: config.logLevel });
let sesame: Promise<Sesame> | undefined;

export async function handler(event: APIGatewayProxyEvent, context: Context) {
  sesame ??= createSesame(config, createDynamoParts(config, logger)).catch((err: unknown) => {
    sesame = undefined; // retry initialisation on the next request instead of caching a failure
    throw err;
  });
  return (await sesame).handler(event, context);
}
