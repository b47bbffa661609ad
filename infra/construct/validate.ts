import { Token } from 'aws-cdk-lib';
import { configFromEnv } from '../../functions/config/config.ts';
import { mutualTlsHost } from './edge.ts';
import { PROP_SETTINGS, type PropSetting, ROTATION_SETTINGS } from './environment.ts';
import type { SesameIdentityProviderProps } from './props.ts';

/** Stand-ins for what only exists after deployment (table names, the API's URL): valid for the schema. */
const DEPLOYED_STAND_INS = {
  SESAME_ISSUER: 'https://sesame.invalid',
  SESAME_PROXY: 'true',
  SESAME_TABLE_OIDC: 'stand-in-oidc',
  SESAME_TABLE_DIRECTORY: 'stand-in-directory',
  SESAME_TABLE_AUDIT: 'stand-in-audit',
  SESAME_SECRET_STORE: 'dynamodb',
};

export class SesamePropsError extends Error {
  override name = 'SesamePropsError';
}

/**
 * Checks the props at synth time with the schema the function parses its environment with
 * (`configFromEnv`, functions/config/config.ts): a value the function would refuse at start-up —
 * where the only symptom is a 502 on every request — fails `cdk synth` instead, naming the prop.
 * Each setting is checked on its own so that every bad prop is reported, not only the first.
 */
export function validateProps(path: string, props: SesameIdentityProviderProps): void {
  const problems = [...PROP_SETTINGS, ...ROTATION_SETTINGS].flatMap(
    (setting) => settingProblem(setting, props) ?? [],
  );
  const issuer = props.issuer;
  if (typeof issuer === 'string' && !Token.isUnresolved(issuer)) {
    const problem = schemaProblem({ SESAME_ISSUER: issuer });
    if (problem) problems.push(`issuer ("${issuer}"): ${problem}`);
  }
  if (props.mfa?.factors?.length === 0) {
    // An empty list would reach the function as no setting at all, i.e. every factor.
    problems.push('mfa.factors ([]): name at least one factor');
  }
  problems.push(...emailProblems(props));
  problems.push(...rotationProblems(props));
  problems.push(...domainProblems(props));
  const reserved = props.reservedConcurrency;
  if (reserved !== undefined && !(Number.isInteger(reserved) && reserved >= 1)) {
    problems.push(
      `reservedConcurrency (${reserved}): must be a whole number of at least 1 (0 would throttle every request)`,
    );
  }
  if (problems.length > 0) {
    throw new SesamePropsError(
      `${path}: invalid Sesame props; the function would refuse them at start-up and answer every request with an error, or the edge would be unusable:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
}

function rotationProblems(props: SesameIdentityProviderProps): string[] {
  if (props.keyRotation === false) return [];
  const problems: string[] = [];
  if (props.keyRotation && props.secretStore === 'dynamodb')
    problems.push(
      "keyRotation: rotates Secrets Manager secrets; with secretStore 'dynamodb' set it to false",
    );
  if (props.code && !props.code.rotation && props.secretStore !== 'dynamodb')
    problems.push('code.rotation: the rotation function needs its code too (or set keyRotation: false)');
  return problems;
}

function domainProblems(props: SesameIdentityProviderProps): string[] {
  const domain = props.domain;
  const host = domain && mutualTlsHost(domain);
  if (!domain || !host || Token.isUnresolved(host) || Token.isUnresolved(domain.domainName)) return [];
  if (host.toLowerCase() !== domain.domainName.toLowerCase()) return [];
  return [
    `domain.mutualTls.domainName ("${host}"): is the browsers' domain; mutual TLS there would make every ` +
      'browser prompt for (or fail without) a client certificate. Use a separate host (default mtls.<domainName>)',
  ];
}

function emailProblems(props: SesameIdentityProviderProps): string[] {
  const email = props.email;
  if (email?.smtpUrl === undefined) return [];
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(email.smtpUrl);
  } catch {
    problems.push(`email.smtpUrl ("${email.smtpUrl}"): not a URL`);
  }
  if (url && !['smtp:', 'smtps:'].includes(url.protocol))
    problems.push(`email.smtpUrl: ${url.protocol} is not smtp: or smtps:`);
  // The function's environment is readable with lambda:GetFunctionConfiguration.
  if (url && (url.username || url.password))
    problems.push('email.smtpUrl: carries credentials, which would sit readable in the function environment');
  if (email.verifyDomain || email.hostedZone)
    problems.push('email.verifyDomain / email.hostedZone: SES settings, but email.smtpUrl sends without SES');
  return problems;
}

function settingProblem(setting: PropSetting, props: SesameIdentityProviderProps): string | undefined {
  let value: ReturnType<PropSetting['value']>;
  try {
    value = setting.value(props);
  } catch (err) {
    // e.g. Duration.millis(1500).toSeconds(): not a whole number of seconds.
    return `${setting.prop}: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  const problem = schemaProblem({ [setting.env]: String(value) });
  return problem ? `${setting.prop} (${setting.env}=${String(value)}): ${problem}` : undefined;
}

/** The function's own verdict on one variable, with the stand-ins for the rest; one line. */
function schemaProblem(env: Record<string, string>): string | undefined {
  try {
    configFromEnv({ ...DEPLOYED_STAND_INS, ...env });
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message
      .replace(/^invalid configuration:\s*/, '')
      .replace(/✖\s*/g, '')
      .replace(/\s*\n\s*/g, ' ')
      .trim();
  }
}
