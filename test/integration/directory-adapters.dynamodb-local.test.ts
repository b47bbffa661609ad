/**
 * The directory adapters' suite (credentials written by the earlier store read unchanged,
 * conditional writes, the lease, call counts) on AWS's DynamoDB Local (Java) as well as dynalite.
 */
process.env.SESAME_TEST_STORE = 'dynamodb-local';
await import('./directory-adapters.test.ts');
