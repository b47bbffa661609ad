import { configFromEnv } from '../config/config.ts';
import { describeViolation, PolicyViolation } from '../domain/password-policy.ts';
import { UsageError, usage } from './commands.ts';
import { runCommand } from './run.ts';

/**
 * `npm run admin -- <noun> <verb> [options]`: prints one JSON document; exit code 0 on success,
 * 1 when the operation is refused, 2 on bad usage.
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
    const usageError = err instanceof UsageError || (err instanceof TypeError && 'code' in err);
    const name = err instanceof Error ? err.name : 'Error';
    const message =
      err instanceof PolicyViolation
        ? err.violations.map((v) => describeViolation(v, configFromEnv().passwordPolicy)).join(' ')
        : err instanceof Error
          ? err.message
          : String(err);
    process.stderr.write(`${JSON.stringify({ error: name, message })}\n`);
    process.exit(usageError ? 2 : 1);
  },
);
