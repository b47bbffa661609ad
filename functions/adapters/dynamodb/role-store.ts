import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RoleStore } from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';
import { queryPartition } from './query.ts';

/** Role assignments sit in the user's partition, sorted by app, so one Query answers "roles in app X". */
export class DynamoRoleStore implements RoleStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async grant(userId: string, clientId: string, role: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.role(userId, clientId, role), clientId, role },
      }),
    );
  }

  async revoke(userId: string, clientId: string, role: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.role(userId, clientId, role) }));
  }

  async rolesIn(userId: string, clientId: string): Promise<string[]> {
    return (await this.query(userId, keys.rolePrefix(clientId))).map((r) => r.role);
  }

  async allRoles(userId: string): Promise<Array<{ clientId: string; role: string }>> {
    return this.query(userId, keys.rolePrefix());
  }

  private async query(userId: string, prefix: string): Promise<Array<{ clientId: string; role: string }>> {
    const items = await queryPartition(this.doc, this.table, keys.user(userId).pk, prefix);
    return items.map((item) => ({ clientId: String(item.clientId), role: String(item.role) }));
  }
}
