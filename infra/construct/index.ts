export { SesameData, TTL_ATTRIBUTE } from './data.ts';
export { SesameEdge, STAGE_NAME } from './edge.ts';
export { lambdaEnvironment, SECRET_NAMES } from './environment.ts';
export { SesameIdentityProvider } from './identity-provider.ts';
export { DEFAULT_MEMORY_MB, NODE_24, SesameFunction } from './idp-function.ts';
export { SesameMail } from './mail.ts';
export { METRIC_NAMESPACE, SesameMonitoring } from './monitoring.ts';
export type * from './props.ts';
export { SesameWaf } from './waf.ts';
