import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Invitation, InvitationStore } from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';
import { conditionalWrite, consistentGet, queryPartition } from './query.ts';

/** Invitations in the directory table, one partition per tenant; a change is conditional on the item as read. */
export class DynamoInvitationStore implements InvitationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(invitation: Invitation): Promise<void> {
    const created = await conditionalWrite(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.invitation(invitation.tenantId, invitation.id), invitation },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!created) throw new Error('invitation id collision');
  }

  async get(tenantId: string, id: string): Promise<Invitation | null> {
    const item = await consistentGet(this.doc, this.table, keys.invitation(tenantId, id));
    return (item?.invitation as Invitation | undefined) ?? null;
  }

  async list(tenantId: string): Promise<Invitation[]> {
    const items = await queryPartition(this.doc, this.table, keys.invitationPartition(tenantId), 'INVITE#');
    return items
      .map((i) => i.invitation as Invitation)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  replacePending(invitation: Invitation, expectedDigest: string): Promise<boolean> {
    return conditionalWrite(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.invitation(invitation.tenantId, invitation.id), invitation },
        ConditionExpression: '#i.#s = :pending AND #i.secretDigest = :digest',
        ExpressionAttributeNames: { '#i': 'invitation', '#s': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':digest': expectedDigest },
      }),
    );
  }
}
