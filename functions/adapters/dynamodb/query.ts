import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DeleteCommand,
  type DynamoDBDocumentClient,
  type PutCommand,
  QueryCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { readItem } from './request-scope.ts';

/**
 * Every item of one partition (optionally only sort keys starting with `skPrefix`), following
 * pagination, with strongly consistent reads: the one query shape the stores need.
 */
export async function queryPartition(
  doc: DynamoDBDocumentClient,
  table: string,
  pk: string,
  skPrefix?: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: skPrefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ...(skPrefix === undefined ? {} : { ':prefix': skPrefix }) },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** One item by key, strongly consistent (undefined when absent); within a request it may ride with others. */
export function consistentGet(
  doc: DynamoDBDocumentClient,
  table: string,
  key: { pk: string; sk: string },
): Promise<Record<string, unknown> | undefined> {
  return readItem(doc, table, key);
}

/** Sends a conditional write; false when its condition failed, any other error propagates. */
export async function conditionalWrite(
  doc: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand | DeleteCommand,
): Promise<boolean> {
  try {
    await doc.send(command as PutCommand);
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}
