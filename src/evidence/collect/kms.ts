/**
 * AWS KMS: a key reference (key id, key ARN, alias name or alias ARN) resolved with DescribeKey in
 * the region of its ARN or of the context that named it; then, for the resolved key ARN, rotation
 * status, the default key policy, the key's aliases and its grants (ListGrants, the way Connect
 * reaches the key: a grant to the instance's service role) — and, for imported key material (Origin
 * EXTERNAL, which KMS rotates on demand only), the completed rotations (ListKeyRotations).
 */
import { kmsArnRegion } from '../aws-names.js';
import { keyEvidence, type KeyEvidence, type KeyMetadata } from '../model.js';
import { recordCall, recordList, type CollectContext } from './context.js';

const slots = {
  describeKey: keyEvidence.shape.describeKey,
  rotation: keyEvidence.shape.rotation.unwrap(),
  keyPolicy: keyEvidence.shape.keyPolicy.unwrap(),
  aliases: keyEvidence.shape.aliases.unwrap(),
  grants: keyEvidence.shape.grants.unwrap(),
  rotations: keyEvidence.shape.rotations.unwrap(),
};

export type KeyDetails = Pick<KeyEvidence, 'rotation' | 'keyPolicy' | 'aliases' | 'grants' | 'rotations'>;

/** Keys whose rotations are listed: imported key material, rotated on demand only. */
function rotatesOnDemandOnly(metadata: Pick<KeyMetadata, 'Origin'>): boolean {
  return metadata.Origin === 'EXTERNAL';
}

export function describeKey(ctx: CollectContext, reference: string, region: string) {
  return recordCall(
    ctx,
    slots.describeKey,
    { operation: 'kms:DescribeKey', region, resource: reference },
    () => ctx.clients.kms(region),
    ({ client, sdk }, abortSignal) => client.send(new sdk.DescribeKeyCommand({ KeyId: reference }), { abortSignal }),
  );
}

/**
 * Rotation, key policy, aliases, grants (and rotations, see above) of one key, by its ARN, in its own
 * region (ListGrants needs the ARN for a key of another account).
 */
export async function keyDetails(ctx: CollectContext, keyArn: string, region: string, metadata: Pick<KeyMetadata, 'Origin'>): Promise<KeyDetails> {
  const load = () => ctx.clients.kms(region);
  const [rotation, keyPolicy, aliases, grants, rotations] = await Promise.all([
    recordCall(ctx, slots.rotation, { operation: 'kms:GetKeyRotationStatus', region, resource: keyArn }, load, ({ client, sdk }, abortSignal) =>
      client.send(new sdk.GetKeyRotationStatusCommand({ KeyId: keyArn }), { abortSignal }),
    ),
    recordCall(ctx, slots.keyPolicy, { operation: 'kms:GetKeyPolicy', region, resource: keyArn }, load, ({ client, sdk }, abortSignal) =>
      client.send(new sdk.GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }), { abortSignal }),
    ),
    recordList(ctx, slots.aliases, { operation: 'kms:ListAliases', region, resource: keyArn }, load, async ({ client, sdk }, Marker, abortSignal) => {
      const page = await client.send(new sdk.ListAliasesCommand({ KeyId: keyArn, Marker }), { abortSignal });
      return { items: page.Aliases, next: page.Truncated === false ? undefined : page.NextMarker };
    }),
    recordList(ctx, slots.grants, { operation: 'kms:ListGrants', region, resource: keyArn }, load, async ({ client, sdk }, Marker, abortSignal) => {
      const page = await client.send(new sdk.ListGrantsCommand({ KeyId: keyArn, Marker }), { abortSignal });
      return { items: page.Grants, next: page.Truncated === false ? undefined : page.NextMarker };
    }),
    rotatesOnDemandOnly(metadata)
      ? recordList(ctx, slots.rotations, { operation: 'kms:ListKeyRotations', region, resource: keyArn }, load, async ({ client, sdk }, Marker, abortSignal) => {
          const page = await client.send(new sdk.ListKeyRotationsCommand({ KeyId: keyArn, Marker }), { abortSignal });
          return { items: page.Rotations, next: page.Truncated === false ? undefined : page.NextMarker };
        })
      : undefined,
  ]);
  return { rotation, keyPolicy, aliases, grants, ...(rotations ? { rotations } : {}) };
}

/**
 * One key reference read completely. `details` gives the rotation/policy/aliases of a resolved key
 * ARN, so that two references to the same key (ARN and alias) read it once.
 */
export async function collectKey(
  ctx: CollectContext,
  reference: string,
  contextRegion: string,
  details: (keyArn: string, region: string, metadata: KeyMetadata) => Promise<KeyDetails>,
): Promise<KeyEvidence> {
  const region = kmsArnRegion(reference) ?? contextRegion;
  const described = await describeKey(ctx, reference, region);
  const evidence: KeyEvidence = { reference, region, describeKey: described };
  if (described.status !== 'ok') return evidence;
  const metadata = described.response.KeyMetadata;
  const keyArn = metadata.Arn ?? metadata.KeyId;
  return { ...evidence, ...(await details(keyArn, kmsArnRegion(keyArn) ?? region, metadata)) };
}
