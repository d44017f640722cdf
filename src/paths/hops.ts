/**
 * The documented network paths of Amazon Connect ("Detailed network paths for Amazon Connect",
 * administrator guide, security chapter) as data. Hop ids are public contract: reports, waivers and
 * SIEM queries use them.
 */

export type Responsibility = 'aws' | 'customer' | 'shared';
export type PathId = 'voice' | 'auth' | 'storage';

export interface Hop {
  id: string;
  path: PathId;
  from: string;
  to: string;
  protection: string;
  responsibility: Responsibility;
  controlledBy: string;
  verifies: string;
  /** Only judged for instances that authenticate agents against a directory. */
  directoryOnly?: boolean;
  reference: string;
}

export const NETWORK_PATHS_DOC = 'https://docs.aws.amazon.com/connect/latest/adminguide/detailed-network-paths.html';
const ENCRYPTION_AT_REST_DOC = 'https://docs.aws.amazon.com/connect/latest/adminguide/encryption-at-rest.html';

export const DOCUMENTED_HOPS = [
  {
    id: 'voice.agent-browser-to-connect',
    path: 'voice',
    from: 'agent browser',
    to: 'Connect web application',
    protection: 'TLS',
    responsibility: 'shared',
    controlledBy: 'AWS endpoint; customer chooses access domain and embedding origins',
    verifies: 'access URL on the TLS 1.2+-only *.my.connect.aws domain; approved origins all https://, no wildcards',
    reference: NETWORK_PATHS_DOC,
  },
  {
    id: 'voice.webrtc-media',
    path: 'voice',
    from: 'agent browser',
    to: 'Connect softphone',
    protection: 'TLS signalling, SRTP audio',
    responsibility: 'aws',
    controlledBy: 'AWS',
    verifies: 'nothing configurable: reported MANAGED',
    reference: NETWORK_PATHS_DOC,
  },
  {
    id: 'voice.pstn-carrier',
    path: 'voice',
    from: 'Connect',
    to: 'telecom carrier partners (PSTN)',
    protection: 'private connectivity; TLS + SRTP where shared',
    responsibility: 'aws',
    controlledBy: 'AWS',
    verifies: 'nothing configurable: reported MANAGED',
    reference: NETWORK_PATHS_DOC,
  },
  {
    id: 'voice.recording-to-s3',
    path: 'voice',
    from: 'Connect',
    to: 'S3 bucket (call recordings)',
    protection: 'TLS',
    responsibility: 'shared',
    controlledBy: 'AWS sends over TLS; customer owns the bucket and its policy',
    verifies: 'bucket exists, is owned by the instance account, is not public (policy, ACL, effective bucket-or-account Block Public Access), and denies requests without TLS (and TLS < 1.2)',
    reference: NETWORK_PATHS_DOC,
  },
  {
    id: 'voice.recording-at-rest',
    path: 'voice',
    from: 'S3 bucket',
    to: 'storage at rest',
    protection: 'SSE-KMS with a customer-owned KMS key',
    responsibility: 'customer',
    controlledBy: 'customer',
    verifies: 'the key that applies (storage config EncryptionConfig, else the bucket default) is customer managed, owned by the instance account or a trusted one, enabled, symmetric, rotated within the cryptoperiod, not public; the bucket default is SSE-KMS with a customer key',
    reference: NETWORK_PATHS_DOC,
  },
  {
    id: 'auth.browser-to-oauth-gateway',
    path: 'auth',
    from: 'agent browser',
    to: 'OAuth gateway (login page)',
    protection: 'TLS over the internet',
    responsibility: 'aws',
    controlledBy: 'AWS',
    verifies: 'nothing configurable: reported MANAGED',
    reference: NETWORK_PATHS_DOC,
  },
  {
    id: 'auth.oauth-gateway-to-ad-connector',
    path: 'auth',
    from: 'OAuth gateway',
    to: 'AD Connector',
    protection: 'TLS',
    responsibility: 'aws',
    controlledBy: 'AWS; customer keeps the directory healthy',
    verifies: 'the directory exists and its stage is Active',
    directoryOnly: true,
    reference: NETWORK_PATHS_DOC,
  },
  {
    id: 'auth.ad-connector-to-active-directory',
    path: 'auth',
    from: 'AD Connector',
    to: 'customer Active Directory',
    protection: 'LDAP authentication',
    responsibility: 'customer',
    controlledBy: 'customer',
    verifies: 'client-side LDAPS (AD Connector; AWS Managed Microsoft AD only with a trust to a self-managed domain) enabled with valid certificates; RADIUS MFA Completed (protocol recorded); Managed AD legacy protocols and weak ciphers disabled as DescribeSettings lists them',
    directoryOnly: true,
    reference: NETWORK_PATHS_DOC,
  },
  {
    id: 'auth.oauth-ticket-to-browser',
    path: 'auth',
    from: 'OAuth gateway',
    to: 'agent browser',
    protection: 'TLS',
    responsibility: 'aws',
    controlledBy: 'AWS',
    verifies: 'nothing configurable: reported MANAGED',
    reference: NETWORK_PATHS_DOC,
  },
  {
    id: 'auth.ccp-load',
    path: 'auth',
    from: 'agent browser',
    to: 'Contact Control Panel (with the OAuth ticket)',
    protection: 'TLS',
    responsibility: 'shared',
    controlledBy: 'AWS; customer controls embedding origins',
    verifies: 'approved origins all https://, no wildcards',
    reference: NETWORK_PATHS_DOC,
  },
] as const satisfies readonly Hop[];

export type DocumentedHopId = (typeof DOCUMENTED_HOPS)[number]['id'];

/** Connect's InstanceStorageResourceType values whose data lands in customer storage. */
export const STORAGE_RESOURCE_TYPES = [
  'CALL_RECORDINGS',
  'CHAT_TRANSCRIPTS',
  'SCHEDULED_REPORTS',
  'MEDIA_STREAMS',
  'CONTACT_TRACE_RECORDS',
  'AGENT_EVENTS',
  'REAL_TIME_CONTACT_ANALYSIS_SEGMENTS',
  'ATTACHMENTS',
  'CONTACT_EVALUATIONS',
  'SCREEN_RECORDINGS',
  'REAL_TIME_CONTACT_ANALYSIS_CHAT_SEGMENTS',
  'REAL_TIME_CONTACT_ANALYSIS_VOICE_SEGMENTS',
  'EMAIL_MESSAGES',
] as const;
export type StorageResourceType = (typeof STORAGE_RESOURCE_TYPES)[number];

export type StorageHopKind = 'transfer' | 'at-rest';

/** `CHAT_TRANSCRIPTS` → `chat-transcripts`. */
export function resourceTypeSlug(resourceType: string): string {
  return resourceType.toLowerCase().replace(/_/g, '-');
}

/** Accepts `CALL_RECORDINGS` or `call-recordings`; returns the Connect name or undefined. */
export function parseResourceType(text: string): StorageResourceType | undefined {
  const upper = text.trim().toUpperCase().replace(/-/g, '_');
  return STORAGE_RESOURCE_TYPES.find((t) => t === upper);
}

/** Call recordings are the documented hops; every other resource type gets a `storage.*` hop. */
export function storageHopId(resourceType: string, kind: StorageHopKind): string {
  if (resourceType === 'CALL_RECORDINGS') return kind === 'transfer' ? 'voice.recording-to-s3' : 'voice.recording-at-rest';
  return `storage.${resourceTypeSlug(resourceType)}.${kind}`;
}

export function storageHop(resourceType: string, kind: StorageHopKind): Hop {
  const id = storageHopId(resourceType, kind);
  const documented = DOCUMENTED_HOPS.find((h) => h.id === id);
  if (documented) return documented;
  const name = resourceTypeSlug(resourceType).replace(/-/g, ' ');
  return kind === 'transfer'
    ? {
        id,
        path: 'storage',
        from: 'Connect',
        to: `customer storage (${name})`,
        protection: 'TLS',
        responsibility: 'shared',
        controlledBy: 'AWS sends over TLS; customer owns the destination and its policy',
        verifies: 'S3 destinations: bucket exists, is owned by the instance account, not public (policy, ACL, effective Block Public Access), denies requests without TLS',
        reference: ENCRYPTION_AT_REST_DOC,
      }
    : {
        id,
        path: 'storage',
        from: `customer storage (${name})`,
        to: 'storage at rest',
        protection: 'KMS encryption with a customer-owned key',
        responsibility: 'customer',
        controlledBy: 'customer',
        verifies: 'the key that applies (EncryptionConfig, else the bucket default for S3) is customer managed, owned by the instance account or a trusted one, enabled, symmetric, rotated within the cryptoperiod, not public',
        reference: ENCRYPTION_AT_REST_DOC,
      };
}

const FLOW_LOGS_DOC = 'https://docs.aws.amazon.com/connect/latest/adminguide/contact-flow-logs.html';

/**
 * Flow logs are not a storage resource type: Connect writes them to CloudWatch Logs when the
 * instance attribute CONTACTFLOW_LOGS is on, and they hold what customers typed and said to a flow.
 */
export const CONTACT_FLOW_LOGS_HOP: Hop = {
  id: 'storage.contact-flow-logs.at-rest',
  path: 'storage',
  from: 'CloudWatch Logs log group /aws/connect/<instance alias> (flow logs)',
  to: 'storage at rest',
  protection: 'CloudWatch Logs encryption; a customer-owned KMS key when one is associated with the log group',
  responsibility: 'customer',
  controlledBy: 'customer',
  verifies: 'when flow logs are on, the log group is encrypted with a KMS key that is customer managed, owned by the instance account or a trusted one, enabled, symmetric, rotated, not public; its retention is recorded',
  reference: FLOW_LOGS_DOC,
};

/**
 * Flow logs are not a storage resource type: they are judged (and read) only in a run over every
 * type, so that a run narrowed with --resource-types stays within what it names.
 */
export function judgesFlowLogs(resourceTypes: readonly string[]): boolean {
  return STORAGE_RESOURCE_TYPES.every((type) => resourceTypes.includes(type));
}

/** Storage hops that are not a pair per storage resource type. */
export const EXTRA_STORAGE_HOPS: readonly Hop[] = [CONTACT_FLOW_LOGS_HOP];

/** Order of hops in reports: documented voice hops, documented auth hops, then storage hops by name. */
export function hopOrder(hopId: string): [number, string] {
  const index = DOCUMENTED_HOPS.findIndex((h) => h.id === hopId);
  // Within a storage type, transfer comes before at-rest, as data flows.
  return index >= 0 ? [index, ''] : [DOCUMENTED_HOPS.length, hopId.replace(/\.transfer$/, '.0').replace(/\.at-rest$/, '.1')];
}

export function findHop(hopId: string): Hop | undefined {
  const known = DOCUMENTED_HOPS.find((h) => h.id === hopId) ?? EXTRA_STORAGE_HOPS.find((h) => h.id === hopId);
  if (known) return known;
  const match = /^storage\.([a-z-]+)\.(transfer|at-rest)$/.exec(hopId);
  if (!match) return undefined;
  const type = parseResourceType(match[1] ?? '');
  return type ? storageHop(type, match[2] as StorageHopKind) : undefined;
}
