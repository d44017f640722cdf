/** AWS Organizations: the member accounts of the organization, for `--org` runs. */
import { z } from 'zod';
import { callOf } from '../model.js';
import { recordList, type CollectContext } from './context.js';

const memberAccount = z.looseObject({
  Id: z.string().regex(/^\d{12}$/, 'an AWS account id has 12 digits'),
  Name: z.string().optional(),
  /** `State` replaces `Status` (retired in 2026); either may be present. */
  State: z.string().optional(),
  Status: z.string().optional(),
});
const accountsSlot = callOf(z.array(memberAccount));

export type MemberAccount = z.output<typeof memberAccount>;

/** ListAccounts, every page; from the management account or a delegated administrator. */
export function listAccounts(ctx: CollectContext, region: string) {
  return recordList(
    ctx,
    accountsSlot,
    { operation: 'organizations:ListAccounts', region, resource: 'accounts' },
    () => ctx.clients.organizations(region),
    async ({ client, sdk }, NextToken, abortSignal) => {
      const page = await client.send(new sdk.ListAccountsCommand({ NextToken }), { abortSignal });
      return { items: page.Accounts, next: page.NextToken };
    },
  );
}

/** Only ACTIVE accounts can be read: suspended, closing and closed ones are skipped. */
export function isActive(account: MemberAccount): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}
