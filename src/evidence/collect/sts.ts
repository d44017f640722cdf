/** STS: who is collecting (GetCallerIdentity), which also names the account when it is not given. */
import type { z } from 'zod';
import { callOf, evidenceDocument, type Call } from '../model.js';
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
