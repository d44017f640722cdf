/**
 * AWS Directory Service: the directories of a region (DescribeDirectories) and, for each directory an
 * instance may authenticate against, client-side LDAPS, its certificates and — for AWS Managed
 * Microsoft AD — the security settings (DescribeSettings has no SDK paginator: pages are read here).
 */
import { directoryEvidence, regionEvidence, type DirectoryEvidence } from '../model.js';
import { recordList, type CollectContext } from './context.js';

const slots = {
  describeDirectories: regionEvidence.shape.describeDirectories.unwrap(),
  ldapsSettings: directoryEvidence.shape.ldapsSettings,
  certificates: directoryEvidence.shape.certificates,
  settings: directoryEvidence.shape.settings,
};

/** Directory types whose LDAPS and certificates are read for Connect's directory hops. */
export const AUDITED_DIRECTORY_TYPES: readonly string[] = ['ADConnector', 'MicrosoftAD'];

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
 * One directory. `type` is its DescribeDirectories type when known; DescribeSettings is sent for
 * MicrosoftAD (and for a pinned directory of unknown type), and recorded as not supported otherwise.
 */
export async function collectDirectory(
  ctx: CollectContext,
  region: string,
  directoryId: string,
  type: string | undefined,
): Promise<DirectoryEvidence> {
  const load = () => ctx.clients.ds(region);
  const settingsApply = type === undefined || type === 'MicrosoftAD';
  const [ldapsSettings, certificates, settings] = await Promise.all([
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
  ]);
  return { ldapsSettings, certificates, settings };
}
