/**
 * Issue 8 end to end: the built CLI, the real SDK and the emulator, for every verdict that needs an
 * AWS call added for it (account-level Block Public Access, bucket ACLs, ListBuckets, ListKeyRotations,
 * DescribeTrusts), including the AccessDenied path of each: an ERROR naming the IAM action, never PASS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { startEmulator, type Emulator, type Fault } from '../emulator/index.js';
import { emulatorEnv } from '../helpers/accounts.js';
import { runCli } from '../helpers/cli.js';
import { absent, ACCOUNT, BUCKET, compliantEvidence, DIRECTORY_ID, ok, OWNER_CANONICAL_ID, parts, REGION } from '../helpers/evidence.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

type Parts = ReturnType<typeof parts>;

async function audit(change: (p: Parts, doc: EvidenceDocument) => void, options: { faults?: Fault[]; bucketOwners?: Record<string, string> } = {}): Promise<{ report: Report; code: number | null }> {
  const state = compliantEvidence();
  change(parts(state), state);
  emulator = await startEmulator({ state, ...options });
  const result = await runCli(['audit', '--region', REGION, '--resource-types', 'CALL_RECORDINGS', '--format', 'json'], { env: emulatorEnv(emulator.url, ACCOUNT) });
  if (!result.stdout.startsWith('{')) throw new Error(`no report (exit ${result.code}): ${result.stderr}`);
  return { report: JSON.parse(result.stdout) as Report, code: result.code };
}

function finding(report: Report, ruleId: string, hop = ruleId.startsWith('directory') ? 'auth.ad-connector-to-active-directory' : undefined): Finding {
  const matching = report.findings.filter((f) => f.ruleId === ruleId && (hop === undefined || f.hop === hop) && !f.hop.startsWith('storage.'));
  if (matching.length !== 1) throw new Error(`expected one ${ruleId} finding, got ${JSON.stringify(matching.map((f) => [f.hop, f.status, f.message]))}`);
  return matching[0] as Finding;
}

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const denied = (service: Fault['service'], operation: string): Fault => ({ service, operation, kind: 'AccessDenied' });
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** ACLs enabled and nothing blocked at either level, so the bucket ACL decides. */
function aclsDecide(p: Parts): void {
  p.bucket.ownershipControls = ok({ OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } });
  p.bucket.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
  p.account.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
}

function publicAcl(p: Parts): void {
  aclsDecide(p);
  p.bucket.acl = ok({
    Owner: { ID: OWNER_CANONICAL_ID },
    Grants: [
      { Grantee: { Type: 'CanonicalUser', ID: OWNER_CANONICAL_ID }, Permission: 'FULL_CONTROL' },
      { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' },
    ],
  });
}

function importedKeyMaterial(p: Parts, rotatedDaysAgo: number): void {
  const described = p.key.describeKey as { status: 'ok'; response: { KeyMetadata: Record<string, unknown> } };
  described.response.KeyMetadata.Origin = 'EXTERNAL';
  p.key.rotation = absent('UnsupportedOperationException');
  p.key.rotations = ok([{ KeyId: String(described.response.KeyMetadata.Arn), RotationDate: daysAgo(rotatedDaysAgo), RotationType: 'ON_DEMAND' }]);
}

function managedAd(p: Parts, trusts: unknown[]): void {
  Object.assign(p.directoryDescription, { Type: 'MicrosoftAD', Edition: 'Enterprise', Name: 'corp.example.com' });
  p.directory.settings = ok([{ Type: 'Protocol', Name: 'TLS_1_0', AllowedValues: '["Enable","Disable"]', AppliedValue: 'Disable', RequestStatus: 'Updated' }]);
  p.directory.trusts = ok(trusts as never);
}

describe('account-level Block Public Access (s3control:GetPublicAccessBlock)', () => {
  it('passes a bucket without its own settings when the account blocks everything', async () => {
    const { report } = await audit((p) => {
      p.bucket.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
      p.account.publicAccessBlock = ok({ PublicAccessBlockConfiguration: ALL_ON });
    });
    const f = finding(report, 's3-bucket-public-access-block');
    expect(f.status, f.message).toBe('PASS');
    expect(f.evidence).toMatchObject({ blockPublicAccess: { RestrictPublicBuckets: { bucket: false, account: true, providedBy: 'account' } } });
  });

  it('is ERROR naming s3:GetAccountPublicAccessBlock when the account level is denied and the bucket does not block', async () => {
    const { report, code } = await audit(
      (p) => {
        p.bucket.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
        p.account.publicAccessBlock = ok({ PublicAccessBlockConfiguration: ALL_ON });
      },
      { faults: [denied('s3control', 'GetPublicAccessBlock')] },
    );
    const f = finding(report, 's3-bucket-public-access-block');
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('grant s3:GetAccountPublicAccessBlock');
    expect(code).toBe(3);
  });
});

describe('bucket ACL (s3:GetBucketAcl)', () => {
  it('fails a bucket whose ACL grants AllUsers while ACLs are enabled and nothing is blocked', async () => {
    const { report } = await audit(publicAcl);
    const f = finding(report, 's3-bucket-not-public');
    expect(f.status, f.message).toBe('FAIL');
    expect(f.evidence).toMatchObject({ acl: { public: true, publicGrants: [{ grantee: 'AllUsers', permission: 'READ' }] } });
  });

  it('is ERROR naming s3:GetBucketAcl when the ACL cannot be read and nothing else rules ACLs out', async () => {
    const { report } = await audit(aclsDecide, { faults: [denied('s3', 'GetBucketAcl')] });
    const f = finding(report, 's3-bucket-not-public');
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('grant s3:GetBucketAcl');
  });
});

describe('foreign-owned bucket (HeadBucket + ListBuckets)', () => {
  const foreign = { bucketOwners: { [BUCKET]: '999988887777' } };
  const locationDenied = denied('s3', 'GetBucketLocation');

  it('fails critical a bucket that exists but is not among the account’s own buckets', async () => {
    const { report } = await audit(() => undefined, { ...foreign, faults: [locationDenied] });
    const f = finding(report, 's3-bucket-exists-and-owned');
    expect(f.status, f.message).toBe('FAIL');
    expect(f.severity).toBe('critical');
    expect(String(f.evidence.shownBy)).toContain('ListBuckets');
    expect(finding(report, 's3-bucket-denies-insecure-transport').status).toBe('FAIL');
  });

  it('is ERROR naming s3:ListAllMyBuckets when ListBuckets is denied', async () => {
    const { report } = await audit(() => undefined, { ...foreign, faults: [locationDenied, denied('s3', 'ListBuckets')] });
    const f = finding(report, 's3-bucket-exists-and-owned');
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('grant s3:ListAllMyBuckets');
  });

  it('is ERROR naming s3:GetBucketLocation for an own bucket that refuses it', async () => {
    const { report } = await audit(() => undefined, { faults: [locationDenied] });
    const f = finding(report, 's3-bucket-exists-and-owned');
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('grant s3:GetBucketLocation');
  });
});

describe('imported key material (kms:ListKeyRotations)', () => {
  it('passes a key rotated on demand within the cryptoperiod', async () => {
    const { report } = await audit((p) => importedKeyMaterial(p, 30));
    const f = finding(report, 'kms-key-rotation-enabled', 'voice.recording-at-rest');
    expect(f.status, f.message).toBe('PASS');
    expect(f.evidence).toMatchObject({ rotationMode: 'on demand (imported key material)', daysSinceLastRotation: 30 });
  });

  it('fails a key last rotated beyond the cryptoperiod, with the on-demand remediation', async () => {
    const { report } = await audit((p) => importedKeyMaterial(p, 400));
    const f = finding(report, 'kms-key-rotation-enabled', 'voice.recording-at-rest');
    expect(f.status).toBe('FAIL');
    expect(f.remediation).toContain('rotate-key-on-demand');
  });

  it('is ERROR naming kms:ListKeyRotations when it is denied', async () => {
    const { report } = await audit((p) => importedKeyMaterial(p, 30), { faults: [denied('kms', 'ListKeyRotations')] });
    const f = finding(report, 'kms-key-rotation-enabled', 'voice.recording-at-rest');
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('grant kms:ListKeyRotations');
  });
});

describe('AWS Managed Microsoft AD trusts (ds:DescribeTrusts)', () => {
  it('makes client-side LDAPS not applicable when the directory has no trust to a self-managed domain', async () => {
    const { report } = await audit((p) => managedAd(p, []));
    expect(finding(report, 'directory-client-ldaps-enabled').status).toBe('NOT_APPLICABLE');
  });

  it('judges client-side LDAPS when a trust exists', async () => {
    const { report } = await audit((p) => {
      managedAd(p, [{ DirectoryId: DIRECTORY_ID, TrustId: 't-1234567890', RemoteDomainName: 'onprem.example.com', TrustType: 'Forest', TrustDirection: 'Two-Way', TrustState: 'Verified' }]);
      p.directory.ldapsSettings = ok([{ LDAPSStatus: 'Disabled' }]);
    });
    expect(finding(report, 'directory-client-ldaps-enabled').status).toBe('FAIL');
  });

  it('is ERROR naming ds:DescribeTrusts when it is denied', async () => {
    const { report } = await audit((p) => managedAd(p, []), { faults: [denied('ds', 'DescribeTrusts')] });
    const f = finding(report, 'directory-client-ldaps-enabled');
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('grant ds:DescribeTrusts');
  });
});
