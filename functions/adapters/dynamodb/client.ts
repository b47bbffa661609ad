import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../../config/config.ts';

/** One DynamoDB client per process; the endpoint comes from config (AWS_ENDPOINT_URL for LocalStack). */
export function createDynamo(config: Pick<Config, 'dynamodb'>): {
  raw: DynamoDBClient;
  doc: DynamoDBDocumentClient;
} {
  const raw = new DynamoDBClient({
    region: config.dynamodb.region,
    ...(config.dynamodb.endpoint ? { endpoint: config.dynamodb.endpoint } : {}),
    // Local stores accept any credentials; on AWS the default provider chain is used.
    ...(config.dynamodb.localCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 3,
  });
  const doc = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { raw, doc };
}
