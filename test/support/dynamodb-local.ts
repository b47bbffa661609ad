import type { EmbeddedStore } from '../../functions/local/embedded-store.ts';

/** Placeholder until DynamoDB Local support lands (see test/support/store.ts). */
export async function startDynamoDbLocal(): Promise<EmbeddedStore> {
  throw new Error('DynamoDB Local support is not implemented yet');
}
