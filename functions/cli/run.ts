import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createDynamo } from '../adapters/dynamodb/client.ts';
import { ensureTables } from '../adapters/dynamodb/tables.ts';
import { openLocalStore } from '../adapters/embedded/local-store.ts';
import { configFromEnv } from '../config/config.ts';
import { createDynamoParts } from '../idp/parts.ts';
import { createLogger, withRequestContext } from '../shared/logger.ts';
import { COMMANDS, UsageError, usage } from './commands.ts';

/**
 * Runs one admin command and returns its JSON-able result. Talks to the local embedded store
 * unless AWS_ENDPOINT_URL(_DYNAMODB) or SESAME_USE_AWS=true points it at another DynamoDB.
 */
export async function runCommand(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<unknown> {
  const [noun, first, ...after] = argv;
  // Two-word verbs (`tenant domain add`) are one verb with a space.
  const twoWords = `${first} ${after[0]}`;
  const long = COMMANDS.some((c) => c.noun === noun && c.verb === twoWords);
  const verb = long ? twoWords : first;
  const rest = long ? after.slice(1) : after;
  const command = COMMANDS.find((c) => c.noun === noun && c.verb === verb);
  if (!command)
    throw new UsageError(
      `unknown command: ${[noun, verb].filter(Boolean).join(' ') || '(none)'}\n${usage()}`,
    );
  refuseRepeats(rest, command.options);
  const { values } = parseArgs({
    args: rest,
    options: command.options,
    strict: true,
    allowPositionals: false,
  });

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
    // The CLI's own request context: its audit events carry a request id and say where they came from.
    const context = { requestId: randomUUID(), userAgent: 'sesame-admin-cli' };
    return await withRequestContext(context, () =>
      command.run(parts, config, values as Record<string, unknown>),
    );
  } finally {
    parts.close();
    await store?.stop();
  }
}

/**
 * parseArgs keeps the last of a repeated option silently; `--email a --email b` on `reset-mfa` must
 * not act on whichever came last, so a repeat of a single-valued option is a usage error.
 */
function refuseRepeats(args: string[], options: Record<string, { multiple?: boolean | undefined }>): void {
  const seen = new Set<string>();
  for (const arg of args) {
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (!name || options[name]?.multiple) continue;
    if (seen.has(name)) throw new UsageError(`--${name} given twice`);
    seen.add(name);
  }
}
