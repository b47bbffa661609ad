import { AssetHashType, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  RuntimeFamily,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundleEntry } from '../bundle.ts';
import { type ENTRIES, type LambdaArch, PROJECT_ROOT } from '../bundling.ts';

/** Node.js 24 (Lambda's `nodejs24.x`); constructed by name if this aws-cdk-lib predates the constant. */
export const NODE_24: Runtime =
  (Runtime as unknown as { NODEJS_24_X?: Runtime }).NODEJS_24_X ??
  new Runtime('nodejs24.x', RuntimeFamily.NODEJS);

/**
 * Memory is CPU on Lambda: CPU share scales linearly with memory, 1,769 MB = one full vCPU. One
 * argon2id verify at the OWASP minimum (19 MiB, t=2, p=1) takes ≈ 50 ms on one x86 core, so
 * - 512 MB (≈ 0.29 vCPU) → ≈ 170 ms per password check, plus slower cold starts;
 * - 1,024 MB (≈ 0.58 vCPU) → ≈ 85 ms: a login feels instant, and GB-seconds per login stay about the
 *   same as at 512 MB because the work finishes proportionally faster;
 * - above 1,769 MB a second vCPU only helps with p>1, which Sesame doesn't use.
 * The 19 MiB the hash itself needs is negligible next to either size. Raise this together with
 * SESAME_ARGON2_* costs.
 */
export const DEFAULT_MEMORY_MB = 1024;

export interface SesameFunctionProps {
  readonly entry: keyof typeof ENTRIES;
  readonly description: string;
  readonly architecture: Architecture;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly reservedConcurrency?: number;
  /** Bundle nodemailer (SMTP mail) instead of leaving it out. */
  readonly bundleSmtp?: boolean;
  /** Prebuilt code (`npm run build`'s dist/<entry>); without it the entry is bundled at synth time. */
  readonly code?: Code;
}

/**
 * One Sesame Lambda: its own role (no AWS managed policies: it may write only to its own log group,
 * callers grant the rest), its own log group with retention, JSON log format so the application's
 * JSON lines stay queryable and metric filters can match on their fields.
 */
export class SesameFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: SesameFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Sesame ${props.entry} function`,
    });
    this.logGroup.grantWrite(this.role);

    const common = {
      description: props.description,
      runtime: NODE_24,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: props.environment,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
    };
    const arch = props.architecture === Architecture.X86_64 ? 'x64' : 'arm64';
    const code = props.code ?? bundledCode(props.entry, arch, { smtp: props.bundleSmtp ?? false });
    this.function = new LambdaFunction(this, 'Function', { ...common, code, handler: 'index.handler' });
    // The role's log policy must exist before the function runs its first invocation.
    this.function.node.addDependency(this.role);
  }
}

export const DEFAULT_TIMEOUT = Duration.seconds(15);

/**
 * The entry bundled at synth time by infra/bundle.ts, on this machine (no Docker): the very asset
 * `npm run build` makes, index.mjs with its chunks (CDK's NodejsFunction writes one file and cannot
 * split it, so the lazily loaded code would be read at every cold start). Hashed by its output, so an
 * unchanged bundle is not uploaded again. The runtime's build image only stands behind the local
 * bundling as CDK requires, running the same script; the local bundling does not hand over to it.
 */
function bundledCode(entry: keyof typeof ENTRIES, arch: LambdaArch, options: { smtp: boolean }): Code {
  const args = [arch, '--entry', entry, ...(options.smtp ? ['--smtp'] : [])];
  return Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: NODE_24.bundlingImage,
      // Also what keeps the assets apart in CDK's bundling cache: it keys them by these options.
      command: ['node', '--import', 'tsx', 'infra/bundle.ts', ...args, '--out', '/asset-output'],
      local: {
        tryBundle(outputDir) {
          bundleEntry(entry, outputDir, arch, options);
          return true;
        },
      },
    },
  });
}
