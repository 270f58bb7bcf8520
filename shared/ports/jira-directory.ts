/** A Jira group as Jira Cloud names it: `name` (may be renamed) and `groupId` (stable). */
export interface JiraGroup {
  readonly name: string;
  readonly groupId?: string;
}

/**
 * What a group lookup found: the account's groups, or why they are not known (never a guess: a
 * failed lookup is never "no groups", so a caller can tell "not a member" from "could not check").
 */
export type JiraGroupsLookup =
  | { readonly ok: true; readonly groups: readonly JiraGroup[] }
  | { readonly ok: false; readonly error: string; readonly status?: number };

/** Jira's users and groups, read-only: who an account is a member of. Never throws. */
export interface JiraDirectory {
  groupsOf(accountId: string): Promise<JiraGroupsLookup>;
}
