/**
 * STS: who is collecting (GetCallerIdentity), which also names the account when it is not given, and
 * AssumeRole into the accounts of a multi-account run.
 */
import type { z } from 'zod';
import { callOf, evidenceDocument, type Call } from '../model.js';
import type { AssumeRoleCall } from './assume-role.js';
import { recordCall, type CollectContext } from './context.js';

const identity = evidenceDocument.shape.collectedBy.unwrap();
const callerIdentitySlot = callOf(identity);

export type CallerIdentity = z.output<typeof identity>;

export function getCallerIdentity(ctx: CollectContext, region: string): Promise<Call<CallerIdentity>> {
  return recordCall(
    ctx,
    callerIdentitySlot,
    { operation: 'sts:GetCallerIdentity', region, resource: 'caller' },
    () => ctx.clients.sts(region),
    ({ client, sdk }, abortSignal) => client.send(new sdk.GetCallerIdentityCommand({}), { abortSignal }),
  );
}

/**
 * AssumeRole with the caller's own credentials, for assumeRoleCredentials. It does not go through
 * the scheduler: the SDK calls it again to refresh the session while a request holds a scheduler
 * slot, and waiting there for another slot could deadlock. The first call is made through
 * `request` by the multi-account collector, so it is paced and retried like any other.
 */
export function assumeRoleCall(ctx: CollectContext, region: string, signal: AbortSignal): AssumeRoleCall {
  return async (input) => {
    const { client, sdk } = await ctx.clients.sts(region);
    return client.send(new sdk.AssumeRoleCommand(input), { abortSignal: signal });
  };
}
