/**
 * Every rule, in report order. To add a rule: write `src/rules/<group>/<rule>.ts` exporting a `Rule`
 * (metadata beside a pure `evaluate`), add it here, and give it pass/fail cases under `test/rules/`.
 */
import { accessUrlDomain } from './connect/access-url-domain.js';
import { approvedOriginsHttps } from './connect/approved-origins-https.js';
import { directoryActive } from './directory/directory-active.js';
import { ldapsCertificates } from './directory/ldaps-certificates.js';
import { ldapsEnabled } from './directory/ldaps-enabled.js';
import { managedAdSecureProtocols } from './directory/managed-ad-secure-protocols.js';
import { radiusMfa } from './directory/radius-mfa.js';
import { bucketDefaultCustomerKey } from './encryption/bucket-default-customer-key.js';
import { keyMatchesBucketDefault } from './encryption/key-matches-bucket-default.js';
import { kmsKeyEnabled } from './encryption/kms-key-enabled.js';
import { kmsKeyGrantForConnect } from './encryption/kms-key-grant-for-connect.js';
import { kmsKeyGrantsNotForeign } from './encryption/kms-key-grants-not-foreign.js';
import { kmsKeyPolicyNotPublic } from './encryption/kms-key-policy-not-public.js';
import { kmsKeyRotation } from './encryption/kms-key-rotation.js';
import { kmsKeySymmetric } from './encryption/kms-key-symmetric.js';
import { storageConfigCustomerKey } from './encryption/storage-config-customer-key.js';
import { storageConfigNamesKey } from './encryption/storage-config-names-key.js';
import { loginTlsManaged, oauthTicketManaged, pstnCarrierManaged, webrtcMediaManaged } from './managed/aws-managed-hops.js';
import { bucketDeniesInsecureTransport } from './storage/bucket-denies-insecure-transport.js';
import { bucketDeniesOldTls } from './storage/bucket-denies-old-tls.js';
import { bucketExistsAndOwned } from './storage/bucket-exists-and-owned.js';
import { bucketNotPublic } from './storage/bucket-not-public.js';
import { bucketPublicAccessBlock } from './storage/bucket-public-access-block.js';
import { streamTransferManaged } from './streams/stream-transfer-managed.js';
import { contactFlowLogsCustomerKey } from './streams/contact-flow-logs-customer-key.js';
import { firehoseDestinationAudited } from './streams/firehose-destination-audited.js';
import { firehoseEncryption } from './streams/firehose-encryption.js';
import { kinesisStreamEncryption } from './streams/kinesis-stream-encryption.js';
import { mediaStreamsUseConfiguredKey } from './streams/media-streams-use-configured-key.js';
import { parseResourceType } from '../paths/hops.js';
import type { Rule } from './types.js';

export const RULES: readonly Rule[] = [
  accessUrlDomain,
  approvedOriginsHttps,
  webrtcMediaManaged,
  pstnCarrierManaged,
  bucketExistsAndOwned,
  bucketDeniesInsecureTransport,
  bucketDeniesOldTls,
  bucketNotPublic,
  bucketPublicAccessBlock,
  streamTransferManaged,
  firehoseDestinationAudited,
  storageConfigCustomerKey,
  storageConfigNamesKey,
  bucketDefaultCustomerKey,
  keyMatchesBucketDefault,
  kmsKeyEnabled,
  kmsKeySymmetric,
  kmsKeyRotation,
  kmsKeyPolicyNotPublic,
  kmsKeyGrantsNotForeign,
  kmsKeyGrantForConnect,
  kinesisStreamEncryption,
  firehoseEncryption,
  mediaStreamsUseConfiguredKey,
  contactFlowLogsCustomerKey,
  loginTlsManaged,
  directoryActive,
  ldapsEnabled,
  ldapsCertificates,
  radiusMfa,
  managedAdSecureProtocols,
  oauthTicketManaged,
];

/** Rule ids that changed, old → new: configs and waivers that use an old id keep working, with a warning. */
export const RENAMED_RULES: Readonly<Record<string, string>> = {
  'directory-radius-mfa-mschapv2': 'directory-radius-mfa',
};

/**
 * Rule ids that no longer exist, with the rules that replaced them: configs and waivers that use one
 * keep loading, with a warning that names the replacements (the setting or waiver itself is dropped).
 */
export const REMOVED_RULES: Readonly<Record<string, readonly string[]>> = {
  'kinesis-stream-encryption-not-audited': ['kinesis-stream-encryption', 'firehose-encryption', 'firehose-destination-audited'],
};

export function findRule(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id);
}

/** Whether a rule judges a hop id, with `storage.*.transfer` patterns standing for every storage type. */
export function ruleCoversHop(rule: Rule, hopId: string): boolean {
  const storage = /^storage\.([a-z-]+)\.(transfer|at-rest)$/.exec(hopId);
  // `storage.*` stands for the hops of the storage resource types, not for extra hops such as flow logs.
  const wildcard = storage && parseResourceType(storage[1] ?? '') ? `storage.*.${storage[2]}` : undefined;
  return rule.meta.hops.some((pattern) => pattern === hopId || pattern === wildcard);
}
