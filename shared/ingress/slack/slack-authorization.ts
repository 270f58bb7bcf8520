import { findPrimaryPolicy, type Policy } from '#shared/domain/policy.ts';

export type SlackVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * Who may ask for replicas of a primary from Slack, from the policy entry that governs it:
 * - no `slack` section: nobody (Slack requests must be opted into per primary);
 * - `slack.users`: only those user ids; `slack.channels`: only from those channel ids;
 *   both: both must match; `slack: {}`: anyone in the workspace, from any channel.
 */
export const authorizeSlackUser = (
  policy: Policy,
  primary: string,
  who: { readonly user: string; readonly channel: string },
): SlackVerdict => {
  const match = findPrimaryPolicy(policy, primary);
  if (!match) return { allowed: false, reason: `${primary} is not a primary the policy allows` };
  const slack = match.entry.slack;
  if (!slack) {
    return {
      allowed: false,
      reason: `replicas of ${primary} cannot be requested from Slack (no slack section in the policy)`,
    };
  }
  if (slack.users && !slack.users.includes(who.user)) {
    return { allowed: false, reason: `<@${who.user}> may not request replicas of ${primary}` };
  }
  if (slack.channels && !slack.channels.includes(who.channel)) {
    const allowed = slack.channels.map((channel) => `<#${channel}>`).join(', ');
    return { allowed: false, reason: `replicas of ${primary} can only be requested in ${allowed}` };
  }
  return { allowed: true };
};
