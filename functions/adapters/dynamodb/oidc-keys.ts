/**
 * Key shapes of the oidc table, in one place so the adapter, tests and tooling agree.
 * Model names are PascalCase (`AccessToken`, `Grant`), index prefixes are lower case (`grant#`,
 * `uid#`, `userCode#`), so a main item can never collide with an index item.
 */
export interface ItemKey {
  pk: string;
  sk: string;
}

/** The sort key of every item that is the only one in its partition. */
const ONLY = '#';

/** Main item of one model instance: `<Model>#<id>` / `#`. */
export function mainKey(model: string, id: string): ItemKey {
  return { pk: `${model}#${id}`, sk: ONLY };
}

/**
 * Grant index item: one partition per grant, one item per token, so revoking a grant is a
 * strongly consistent Query of a single partition. The sort key is the token's main `pk`.
 */
export function grantIndexKey(grantId: string, model: string, id: string): ItemKey {
  return { pk: grantPartition(grantId), sk: mainKey(model, id).pk };
}

export function grantPartition(grantId: string): string {
  return `grant#${grantId}`;
}

/** The main item a grant index item points at (its sort key is that item's partition key). */
export function mainKeyFromGrantIndex(indexSk: string): ItemKey {
  return { pk: indexSk, sk: ONLY };
}

/** Session look-up by `uid` (oidc-provider's `findByUid`). */
export function uidIndexKey(uid: string): ItemKey {
  return { pk: `uid#${uid}`, sk: ONLY };
}

/** Device flow look-up by `userCode` (oidc-provider's `findByUserCode`). */
export function userCodeIndexKey(userCode: string): ItemKey {
  return { pk: `userCode#${userCode}`, sk: ONLY };
}

/**
 * Account index item: one partition per user listing their browser sessions (sort key
 * `Session#<uid>`, stable across the session id changes of a new sign-in) and their grants
 * (`Grant#<grantId>`), so the account page can show and end them with one strongly consistent Query.
 */
export function accountIndexKey(accountId: string, model: 'Session' | 'Grant', key: string): ItemKey {
  return { pk: accountPartition(accountId), sk: `${model}#${key}` };
}

export function accountPartition(accountId: string): string {
  return `account#${accountId}`;
}
