import { configFromEnv } from '../config/config.ts';
import { usage } from './commands.ts';
import { exitFor } from './errors.ts';
import { runCommand } from './run.ts';

/**
 * `npm run admin -- <noun> <verb> [options]`: prints one JSON document; exit code 0 on success,
 * 1 when the operation is refused, 2 on bad usage, 3 when it failed (e.g. the store is unreachable).
 */
const argv = process.argv.slice(2);
if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
  process.stdout.write(`${usage()}\n`);
  process.exit(0);
}
runCommand(argv).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    const { status, error, message } = exitFor(err, policyOrNull());
    process.stderr.write(`${JSON.stringify({ error, message })}\n`);
    process.exit(status);
  },
);

/** The password policy for wording a refusal; none when the configuration itself is what failed. */
function policyOrNull() {
  try {
    return configFromEnv().passwordPolicy;
  } catch {
    return null;
  }
}
