import { CfnIPSet, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { SesameWafProps } from './props.ts';
import { PATH_PATTERNS } from './waf-routes.ts';

export interface SesameWafConstructProps extends SesameWafProps {
  /** The API Gateway stage ARN to protect. */
  readonly stageArn: string;
}

type Rule = CfnWebACL.RuleProperty;
type Statement = CfnWebACL.StatementProperty;

/** Defaults, requests per 5 minutes (WAF's evaluation window). */
export const WAF_DEFAULTS = {
  /** Per IP: sign-in, second-factor, account and invitation requests — a person makes a handful. */
  browserCredentials: 100,
  /** Per client (IP + Authorization header) on the back-channel endpoints: ≈ 33 a second. */
  backChannelPerClient: 10_000,
  /** Per IP on the back-channel endpoints, whatever the header: ≈ 100 a second. */
  backChannelPerIp: 30_000,
  /** Per IP on everything else (pages, discovery, JWKS). */
  global: 2_000,
} as const;

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** Decoded and lower-cased first: `/TOKEN`, `/%74oken` and `/token` are one route to oidc-provider. */
const PATH_TRANSFORMS: CfnWebACL.TextTransformationProperty[] = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'LOWERCASE' },
];

const path = (regexString: string): Statement => ({
  regexMatchStatement: { fieldToMatch: { uriPath: {} }, regexString, textTransformations: PATH_TRANSFORMS },
});
const post: Statement = {
  byteMatchStatement: {
    fieldToMatch: { method: {} },
    positionalConstraint: 'EXACTLY',
    searchString: 'post',
    textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
  },
};
const and = (...statements: Statement[]): Statement =>
  statements.length === 1 ? (statements[0] as Statement) : { andStatement: { statements } };
const not = (statement: Statement): Statement => ({ notStatement: { statement } });

/**
 * Regional AWS WAF web ACL on the REST API stage. Rate rules come first (an Allow verdict ends
 * evaluation); each counts one kind of traffic, so a busy app back end never eats the browsers' budget:
 *
 * 0. browser credentials, per IP, tight: every POST to the sign-in and account forms (password,
 *    second factor, password change, link, invitation) and the invitation links — the edge half of
 *    the lockout trade-off: one address can neither spray passwords nor lock out many users;
 * 1. back channel, per client: `/token`, introspection, revocation, userinfo and PAR, counted per
 *    source IP *and* Authorization header (a confidential client's credentials, or the bearer
 *    token), so the apps behind one NAT address each get their own budget. WAF leaves requests
 *    without the header out of this rule (public clients, client_secret_post): rule 2 counts those;
 * 2. back channel, per IP, a much higher ceiling: also stops a flood of made-up Authorization
 *    values, each of which would otherwise be a fresh "client" of rule 1;
 * 3. everything else, per IP;
 * 4. AWS managed rules (known bad inputs, Amazon IP reputation list);
 * 5. optional allow-list (Mendix "access restriction profile"): when set, everything else is blocked.
 *
 * `exemptIpv4Ranges`/`exemptIpv6Ranges` (app back ends) skip rules 1–3 — never rule 0: a back end has
 * no business posting passwords — and still pass the managed rules and the allow-list.
 *
 * Paths are matched after URL_DECODE and LOWERCASE, with and without the stage prefix (`/live/…`
 * when there is no custom domain), against waf-routes.ts. Capacity ≈ 400 WCU of the 1,500 a web ACL
 * has by default (the managed groups are 225 of it).
 */
export class SesameWaf extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: SesameWafConstructProps) {
    super(scope, id);
    const backChannel = path(PATH_PATTERNS.backChannel);
    const exempt = this.#ipSets('Exempt', props.exemptIpv4Ranges, props.exemptIpv6Ranges);
    const notExempt = exempt ? [not(exempt)] : [];

    const rules: Rule[] = [
      rateRule('browser-credentials-rate', 0, 'SesameBrowserCredentialRate', {
        aggregateKeyType: 'IP',
        limit: props.loginRateLimitPer5Minutes ?? WAF_DEFAULTS.browserCredentials,
        scopeDownStatement: {
          orStatement: {
            statements: [and(post, path(PATH_PATTERNS.browserForms)), path(PATH_PATTERNS.secretLinks)],
          },
        },
      }),
      rateRule('back-channel-per-client-rate', 1, 'SesameBackChannelClientRate', {
        aggregateKeyType: 'CUSTOM_KEYS',
        customKeys: [
          { ip: {} },
          { header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } },
        ],
        limit: props.backChannelRateLimitPer5Minutes ?? WAF_DEFAULTS.backChannelPerClient,
        scopeDownStatement: and(backChannel, ...notExempt),
      }),
      rateRule('back-channel-per-ip-rate', 2, 'SesameBackChannelIpRate', {
        aggregateKeyType: 'IP',
        limit: props.backChannelIpRateLimitPer5Minutes ?? WAF_DEFAULTS.backChannelPerIp,
        scopeDownStatement: and(backChannel, ...notExempt),
      }),
      rateRule('global-rate', 3, 'SesameGlobalRate', {
        aggregateKeyType: 'IP',
        limit: props.rateLimitPer5Minutes ?? WAF_DEFAULTS.global,
        scopeDownStatement: and(not(backChannel), ...notExempt),
      }),
    ];
    if (props.managedRules ?? true) {
      rules.push(
        managed('AWSManagedRulesKnownBadInputsRuleSet', 4),
        managed('AWSManagedRulesAmazonIpReputationList', 5),
      );
    }

    const allowed = this.#ipSets('Allowed', props.allowedIpv4Ranges, props.allowedIpv6Ranges);
    if (allowed) {
      rules.push({
        name: 'access-restriction-allow-list',
        priority: 10,
        action: { allow: {} },
        visibilityConfig: visibility('SesameAllowList'),
        statement: allowed,
      });
    }

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Sesame identity provider',
      defaultAction: allowed ? { block: {} } : { allow: {} },
      visibilityConfig: visibility('Sesame'),
      rules,
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }

  /** One IP set per address family given; a statement matching any of them, or none. */
  #ipSets(name: string, v4: readonly string[] | undefined, v6: readonly string[] | undefined) {
    const sets: Statement[] = [];
    const ipSet = (id: string, version: 'IPV4' | 'IPV6', addresses: readonly string[] | undefined) => {
      if (!addresses?.length) return;
      const set = new CfnIPSet(this, id, {
        scope: 'REGIONAL',
        ipAddressVersion: version,
        addresses: [...addresses],
      });
      sets.push({ ipSetReferenceStatement: { arn: set.attrArn } });
    };
    ipSet(`${name}Ipv4`, 'IPV4', v4);
    ipSet(`${name}Ipv6`, 'IPV6', v6);
    if (sets.length === 0) return undefined;
    return sets.length === 1 ? (sets[0] as Statement) : { orStatement: { statements: sets } };
  }
}

function rateRule(
  name: string,
  priority: number,
  metricName: string,
  statement: Omit<CfnWebACL.RateBasedStatementProperty, 'evaluationWindowSec'>,
): Rule {
  return {
    name,
    priority,
    action: { block: {} },
    visibilityConfig: visibility(metricName),
    statement: { rateBasedStatement: { ...statement, evaluationWindowSec: 300 } },
  };
}

function managed(name: string, priority: number): Rule {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    visibilityConfig: visibility(name),
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  };
}
