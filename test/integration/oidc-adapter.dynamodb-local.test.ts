/**
 * The same suite as oidc-adapter.test.ts, run against AWS's DynamoDB Local (Java) instead of dynalite,
 * so nothing depends on one emulator's quirks.
 */
process.env.SESAME_TEST_STORE = 'dynamodb-local';
await import('./oidc-adapter.test.ts');
