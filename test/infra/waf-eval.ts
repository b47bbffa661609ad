/**
 * Just enough of AWS WAF's statement semantics to ask "does this rule count that request?" of a
 * synthesized web ACL: And/Or/Not, byte and regex matches on the URI path, method and single headers
 * with the text transformations Sesame uses, size constraints and IP sets. Anything else throws, so a
 * statement the evaluator does not understand can never pass a test silently.
 */

export interface WafRequest {
  method: string;
  /** As the client sent it, percent-encoding and stage prefix included. */
  path: string;
  headers?: Record<string, string>;
  ip?: string;
}

type Json = Record<string, unknown>;
type Transformation = { Type: string; Priority: number };

export interface WebAcl {
  rules: Array<{ Name: string; Priority: number; Statement: Json }>;
  /** IP set addresses by logical id (statements reference them with Fn::GetAtt). */
  ipSets: Record<string, string[]>;
}

/** The web ACL and its IP sets from a synthesized template. */
export function webAclOf(template: {
  Resources: Record<string, { Type: string; Properties: Json }>;
}): WebAcl {
  const resources = Object.entries(template.Resources);
  const acl = resources.find(([, r]) => r.Type === 'AWS::WAFv2::WebACL')?.[1];
  if (!acl) throw new Error('no web ACL in the template');
  const ipSets = Object.fromEntries(
    resources
      .filter(([, r]) => r.Type === 'AWS::WAFv2::IPSet')
      .map(([id, r]) => [id, r.Properties.Addresses as string[]]),
  );
  return { rules: acl.Properties.Rules as WebAcl['rules'], ipSets };
}

/** The statement that decides whether a rate-based rule counts a request (its scope-down). */
export function countsRequest(acl: WebAcl, ruleName: string, request: WafRequest): boolean {
  const rule = acl.rules.find((r) => r.Name === ruleName);
  if (!rule) throw new Error(`no rule ${ruleName}`);
  const rate = rule.Statement.RateBasedStatement as Json | undefined;
  if (!rate) throw new Error(`${ruleName} is not rate based`);
  // WAF leaves a request out of a rule when any of its custom aggregation keys is missing.
  for (const key of (rate.CustomKeys as Json[] | undefined) ?? []) {
    const header = key.Header as { Name: string } | undefined;
    if (header && headerOf(request, header.Name) === undefined) return false;
  }
  const scope = rate.ScopeDownStatement as Json | undefined;
  return scope ? matches(acl, scope, request) : true;
}

export function matches(acl: WebAcl, statement: Json, request: WafRequest): boolean {
  const [kind, body] = Object.entries(statement)[0] as [string, Json];
  switch (kind) {
    case 'AndStatement':
      return (body.Statements as Json[]).every((s) => matches(acl, s, request));
    case 'OrStatement':
      return (body.Statements as Json[]).some((s) => matches(acl, s, request));
    case 'NotStatement':
      return !matches(acl, body.Statement as Json, request);
    case 'ByteMatchStatement': {
      const value = field(body.FieldToMatch as Json, request);
      if (value === undefined) return false;
      const text = transform(value, body.TextTransformations as Transformation[]);
      const search = String(body.SearchString);
      switch (body.PositionalConstraint) {
        case 'EXACTLY':
          return text === search;
        case 'STARTS_WITH':
          return text.startsWith(search);
        case 'ENDS_WITH':
          return text.endsWith(search);
        case 'CONTAINS':
          return text.includes(search);
        default:
          throw new Error(`positional constraint ${String(body.PositionalConstraint)}`);
      }
    }
    case 'RegexMatchStatement': {
      const value = field(body.FieldToMatch as Json, request);
      if (value === undefined) return false;
      return pcre(String(body.RegexString)).test(
        transform(value, body.TextTransformations as Transformation[]),
      );
    }
    case 'SizeConstraintStatement': {
      const value = field(body.FieldToMatch as Json, request);
      const size = value === undefined ? 0 : Buffer.byteLength(value);
      if (body.ComparisonOperator === 'GT') return size > Number(body.Size);
      throw new Error(`comparison ${String(body.ComparisonOperator)}`);
    }
    case 'IPSetReferenceStatement': {
      const ref = body.Arn as { 'Fn::GetAtt': [string, string] };
      const addresses = acl.ipSets[ref['Fn::GetAtt'][0]] ?? [];
      return request.ip !== undefined && addresses.some((cidr) => inCidr(request.ip as string, cidr));
    }
    default:
      throw new Error(`statement ${kind} is not understood by the test evaluator`);
  }
}

function headerOf(request: WafRequest, name: string): string | undefined {
  const found = Object.entries(request.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return found?.[1];
}

function field(fieldToMatch: Json, request: WafRequest): string | undefined {
  if ('UriPath' in fieldToMatch) return request.path;
  if ('Method' in fieldToMatch) return request.method;
  const single = fieldToMatch.SingleHeader as { Name: string } | undefined;
  if (single) return headerOf(request, single.Name);
  throw new Error(`field ${Object.keys(fieldToMatch).join()}`);
}

function transform(value: string, transformations: Transformation[]): string {
  let text = value;
  for (const t of [...transformations].sort((a, b) => a.Priority - b.Priority)) {
    if (t.Type === 'NONE') continue;
    else if (t.Type === 'LOWERCASE') text = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
    else if (t.Type === 'URL_DECODE')
      text = text.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    else throw new Error(`text transformation ${t.Type}`);
  }
  return text;
}

/** WAF regexes are PCRE; the subset Sesame writes (anchors, groups, alternation, classes) means the same in JS. */
function pcre(source: string): RegExp {
  if (/\(\?<|\(\?=|\(\?!|\\[1-9kKRC]|\(\?>|[*+?}]\+/.test(source))
    throw new Error(`regex ${source} uses constructs WAF refuses or the evaluator does not model`);
  if (/\((?!\?:)/.test(source)) throw new Error(`regex ${source} has a capturing group, which WAF refuses`);
  return new RegExp(source);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const toInt = (a: string) => a.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  if (!ip.includes('.') || !base.includes('.')) return false; // IPv4 is all the tests use
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}
