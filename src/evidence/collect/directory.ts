/**
 * AWS Directory Service: the directories of a region (DescribeDirectories) and, for each directory an
 * instance may authenticate against, client-side LDAPS and its certificates; for AWS Managed
 * Microsoft AD also the security settings (DescribeSettings has no SDK paginator: pages are read
 * here) and the trusts, since client-side LDAPS there protects the traffic to a self-managed domain
 * reached over a trust.
 */
import { directoryEvidence, regionEvidence, type DirectoryEvidence } from '../model.js';
import { recordList, type CollectContext } from './context.js';

const slots = {
  describeDirectories: regionEvidence.shape.describeDirectories.unwrap(),
  ldapsSettings: directoryEvidence.shape.ldapsSettings,
  certificates: directoryEvidence.shape.certificates,
  settings: directoryEvidence.shape.settings,
  trusts: directoryEvidence.shape.trusts.unwrap(),
};

/** Directory types Connect can use for EXISTING_DIRECTORY instances, as DescribeDirectories names them. */
export const AUDITED_DIRECTORY_TYPES: readonly string[] = ['ADConnector', 'MicrosoftAD', 'SimpleAD'];

/**
 * Types judged from their DescribeDirectories entry alone: Simple AD has no client-side LDAPS,
 * certificates, settings or trusts to read, so it gets no per-directory calls — pinned or not.
 */
const DESCRIBED_ONLY_TYPES: readonly string[] = ['SimpleAD'];

/** AWS Managed Microsoft AD, in the owner's account or shared into this one. */
const MANAGED_AD_TYPES: readonly string[] = ['MicrosoftAD', 'SharedMicrosoftAD'];

/**
 * Whether a directory gets its own calls: `type` is its DescribeDirectories type, undefined when not
 * known (a pinned directory DescribeDirectories did not answer for), which is read in full.
 */
export function readsDirectory(type: string | undefined): boolean {
  return type === undefined || !DESCRIBED_ONLY_TYPES.includes(type);
}

export function describeDirectories(ctx: CollectContext, region: string) {
  return recordList(
    ctx,
    slots.describeDirectories,
    { operation: 'ds:DescribeDirectories', region, resource: 'directories' },
    () => ctx.clients.ds(region),
    async ({ client, sdk }, NextToken, abortSignal) => {
      const page = await client.send(new sdk.DescribeDirectoriesCommand({ NextToken }), { abortSignal });
      return { items: page.DirectoryDescriptions, next: page.NextToken };
    },
  );
}

/**
 * One directory (see `readsDirectory`). DescribeSettings is sent for MicrosoftAD (and for a pinned
 * directory of unknown type), and recorded as not supported otherwise; DescribeTrusts for Managed
 * Microsoft AD, shared or not (and unknown types).
 */
export async function collectDirectory(
  ctx: CollectContext,
  region: string,
  directoryId: string,
  type: string | undefined,
): Promise<DirectoryEvidence> {
  const load = () => ctx.clients.ds(region);
  const settingsApply = type === undefined || type === 'MicrosoftAD';
  const trustsApply = type === undefined || MANAGED_AD_TYPES.includes(type);
  const [ldapsSettings, certificates, settings, trusts] = await Promise.all([
    recordList(
      ctx,
      slots.ldapsSettings,
      { operation: 'ds:DescribeLDAPSSettings', region, resource: directoryId },
      load,
      async ({ client, sdk }, NextToken, abortSignal) => {
        const page = await client.send(new sdk.DescribeLDAPSSettingsCommand({ DirectoryId: directoryId, Type: 'Client', NextToken }), {
          abortSignal,
        });
        return { items: page.LDAPSSettingsInfo, next: page.NextToken };
      },
    ),
    recordList(
      ctx,
      slots.certificates,
      { operation: 'ds:ListCertificates', region, resource: directoryId },
      load,
      async ({ client, sdk }, NextToken, abortSignal) => {
        const page = await client.send(new sdk.ListCertificatesCommand({ DirectoryId: directoryId, NextToken }), { abortSignal });
        return { items: page.CertificatesInfo, next: page.NextToken };
      },
    ),
    settingsApply
      ? recordList(
          ctx,
          slots.settings,
          { operation: 'ds:DescribeSettings', region, resource: directoryId },
          load,
          async ({ client, sdk }, NextToken, abortSignal) => {
            const page = await client.send(new sdk.DescribeSettingsCommand({ DirectoryId: directoryId, NextToken }), { abortSignal });
            return { items: page.SettingEntries, next: page.NextToken };
          },
        )
      : Promise.resolve(
          slots.settings.parse({
            status: 'absent',
            code: 'UnsupportedOperationException',
            message: `Not requested: directory settings exist only for AWS Managed Microsoft AD (this directory is ${type}).`,
          }),
        ),
    trustsApply
      ? recordList(
          ctx,
          slots.trusts,
          { operation: 'ds:DescribeTrusts', region, resource: directoryId },
          load,
          async ({ client, sdk }, NextToken, abortSignal) => {
            const page = await client.send(new sdk.DescribeTrustsCommand({ DirectoryId: directoryId, NextToken }), { abortSignal });
            return { items: page.Trusts, next: page.NextToken };
          },
        )
      : undefined,
  ]);
  return { ldapsSettings, certificates, settings, ...(trusts ? { trusts } : {}) };
}
