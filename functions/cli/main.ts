import { parseArgs } from 'node:util';
import { createDynamo } from '../adapters/dynamodb/client.ts';
import { ensureTables } from '../adapters/dynamodb/tables.ts';
import { configFromEnv } from '../config/config.ts';
import { createDynamoParts } from '../idp/parts.ts';
import { openLocalStore } from '../local/local-store.ts';
import { createLogger } from '../shared/logger.ts';
import { COMMANDS, UsageError, usage } from './commands.ts';

/**
 * `npm run admin -- <noun> <verb> [options]`: prints one JSON document, exits 0 on success,
 * 1 on a refused operation, 2 on bad usage. Talks to the local embedded store unless
 * AWS_ENDPOINT_URL(_DYNAMODB) or SESAME_USE_AWS=true points it at another DynamoDB.
 */
async function main(argv: string[]): Promise<number> {
  const [noun, verb, ...rest] = argv;
  const command = COMMANDS.find((c) => c.noun === noun && c.verb === verb);
  if (!command) {
    process.stdout.write(`${usage()}\n`);
    return noun === '--help' || noun === undefined ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: command.options,
    strict: true,
    allowPositionals: false,
  });

  const env = process.env;
  const remote = Boolean(
    env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_DYNAMODB || env.SESAME_USE_AWS === 'true',
  );
  const store = remote ? null : await openLocalStore({ listen: false });
  const config = configFromEnv(
    store ? { ...env, AWS_ENDPOINT_URL_DYNAMODB: store.endpoint, AWS_ACCESS_KEY_ID: '' } : env,
  );
  // Audit lines go to stderr so stdout stays one JSON document.
  const logger = createLogger({ sink: (line) => process.stderr.write(`${line}\n`), level: 'warn' });
  const parts = createDynamoParts(config, logger);
  try {
    if (store) {
      const { raw } = createDynamo(config);
      await ensureTables(raw, config);
      raw.destroy();
    }
    const result = await command.run(parts, config, values as Record<string, unknown>);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } finally {
    parts.close();
    await store?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const usageError = err instanceof UsageError || (err instanceof TypeError && 'code' in err);
    const message = err instanceof Error ? err.message : String(err);
    const name = err instanceof Error ? err.name : 'Error';
    process.stderr.write(`${JSON.stringify({ error: name, message })}\n`);
    process.exit(usageError ? 2 : 1);
  },
);
