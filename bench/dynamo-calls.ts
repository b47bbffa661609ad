/**
 * One DynamoDB request as dynalite received it, described without its data: the table (by kind, as
 * `config.tables` names it), the operation, and the key shapes it touches — a key value that starts
 * with a word and `#` cut after it (`USER#…`, `FEDSTATE#…`), constant values like `PROFILE` or
 * `CONNECTION` kept, any other value (ids, issuers, times) shown as `…`. Enough to tell which item of which store a call is for (the key shapes
 * are in functions/adapters/dynamodb/directory-keys.ts and oidc-keys.ts).
 */
export interface DynamoCall {
  table: string;
  op: string;
  key: string;
}

type AttributeValue = { S?: string; N?: string };
type Key = Record<string, AttributeValue>;
type BatchWrite = { PutRequest?: { Item: Key }; DeleteRequest?: { Key: Key } };

/** `USER#abc` → `USER#…`, `ROLE#` → `ROLE#`, `PROFILE` → `PROFILE`, `#` → `#`, anything else → `…`. */
export function keyPrefix(value: string): string {
  const prefix = /^[A-Za-z]*#/.exec(value)?.[0];
  if (prefix) return value.length > prefix.length ? `${prefix}…` : value;
  return /^[A-Z][A-Z_]*$/.test(value) ? value : '…';
}

const shape = (key: Key | undefined) =>
  key ? [key.pk?.S, key.sk?.S].map((v) => (v === undefined ? '?' : keyPrefix(v))).join(' ') : '?';

/** The key condition of a Query: its `:values` in order (`:pk`, then `:prefix` when there is one). */
const queryShape = (body: { ExpressionAttributeValues?: Record<string, AttributeValue> }) =>
  Object.values(body.ExpressionAttributeValues ?? {})
    .map((v) => (v.S === undefined ? '?' : keyPrefix(v.S)))
    .join(' ');

/**
 * The call in one request body (a BatchWriteItem is one call listing every key it writes).
 * `tableKind` maps a table name to its kind.
 */
export function describeDynamoCall(
  op: string,
  rawBody: string,
  tableKind: (name: string) => string,
): DynamoCall {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(rawBody) as Record<string, unknown>;
  } catch {
    return { table: '?', op, key: '?' };
  }
  const table = typeof body.TableName === 'string' ? tableKind(body.TableName) : '';
  switch (op) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return { table, op, key: shape(body.Key as Key) };
    case 'PutItem':
      return { table, op, key: shape(body.Item as Key) };
    case 'Query':
      return {
        table,
        op,
        key: queryShape(body as { ExpressionAttributeValues?: Record<string, AttributeValue> }),
      };
    case 'BatchGetItem': {
      const requests = (body.RequestItems ?? {}) as Record<string, { Keys?: Key[] }>;
      const keys = Object.entries(requests).flatMap(([name, { Keys = [] }]) =>
        Keys.map((k) => `${tableKind(name)} ${shape(k)}`),
      );
      return { table: Object.keys(requests).map(tableKind).join(','), op, key: keys.join(', ') };
    }
    case 'BatchWriteItem': {
      // The oidc adapter's multi-item writes: a model's items, or a request's (request-scope.ts).
      const requests = (body.RequestItems ?? {}) as Record<string, BatchWrite[]>;
      const keys = Object.values(requests)
        .flat()
        .map((w) =>
          w.PutRequest ? `put ${shape(w.PutRequest.Item)}` : `delete ${shape(w.DeleteRequest?.Key)}`,
        );
      return { table: Object.keys(requests).map(tableKind).join(','), op, key: keys.join(', ') };
    }
    default:
      return { table, op, key: '' };
  }
}
