import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RoleGrant, RoleSource, RoleStore } from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';
import { conditionalWrite, queryPartition } from './query.ts';
import { isConditionFailure } from './user-item.ts';

/** Role assignments sit in the user's partition, sorted by app, so one Query answers "roles in app X". */
export class DynamoRoleStore implements RoleStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * An `admin` grant always writes (and so makes a mapped role permanent); a mapped grant writes only
   * where no admin grant exists, so a federated sign-in never turns a person's grant into one it
   * would later replace.
   */
  async grant(userId: string, clientId: string, role: string, source: RoleSource = 'admin'): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.role(userId, clientId, role), clientId, role, source },
          ...(source === 'admin'
            ? {}
            : {
                ConditionExpression: 'attribute_not_exists(pk) OR #source <> :admin',
                ExpressionAttributeNames: { '#source': 'source' },
                ExpressionAttributeValues: { ':admin': 'admin' },
              }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async revoke(userId: string, clientId: string, role: string, source?: RoleSource): Promise<void> {
    await conditionalWrite(
      this.doc,
      new DeleteCommand({
        TableName: this.table,
        Key: keys.role(userId, clientId, role),
        ...(source
          ? {
              ConditionExpression: '#source = :source',
              ExpressionAttributeNames: { '#source': 'source' },
              ExpressionAttributeValues: { ':source': source },
            }
          : {}),
      }),
    );
  }

  async rolesIn(userId: string, clientId: string): Promise<string[]> {
    return (await this.query(userId, keys.rolePrefix(clientId))).map((r) => r.role);
  }

  async allRoles(userId: string): Promise<RoleGrant[]> {
    return this.query(userId, keys.rolePrefix());
  }

  private async query(userId: string, prefix: string): Promise<RoleGrant[]> {
    const items = await queryPartition(this.doc, this.table, keys.user(userId).pk, prefix);
    return items.map((item) => ({
      clientId: String(item.clientId),
      role: String(item.role),
      // Grants from before role sources were made by a person.
      source: typeof item.source === 'string' ? (item.source as RoleSource) : 'admin',
    }));
  }
}
