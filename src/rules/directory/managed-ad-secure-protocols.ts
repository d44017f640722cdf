import type { SettingEntry } from '../../evidence/model.js';
import { SECURE_PROTOCOLS } from '../frameworks.js';
import { directoryKind, fieldErrorOutcome, judgeDirectory, unknownTypeOutcome } from '../lib/directory.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'auth.ad-connector-to-active-directory';

/**
 * The secure-channel protocols and ciphers that must be disabled, under the API names AWS documents for
 * the directory security settings of AWS Managed Microsoft AD (ms_ad_directory_settings.html: "Secure
 * Channel: Protocol" and "Secure Channel: Cipher"; TLS 1.2 and AES 256/256 cannot be disabled). A listed
 * setting is matched with separators ignored (`RC4_128/128` is `RC4_128_128`); a name AWS may add to a
 * weak family (`RC4_…`, `TRIPLE_DES_…`) counts too. `basis` says why each family is weak.
 */
export const WEAK_SECURE_CHANNEL_SETTINGS: readonly { family: string; alsoNamed?: readonly string[]; settings: readonly string[]; basis: string }[] = [
  { family: 'PCT_1_0', settings: ['PCT_1_0'], basis: 'PCT 1.0 predates SSL 3.0 and is obsolete' },
  { family: 'SSL_2_0', settings: ['SSL_2_0'], basis: 'RFC 6176 prohibits SSL 2.0' },
  { family: 'SSL_3_0', settings: ['SSL_3_0'], basis: 'RFC 7568 deprecates SSL 3.0' },
  { family: 'TLS_1_0', settings: ['TLS_1_0'], basis: 'RFC 8996 deprecates TLS 1.0' },
  { family: 'TLS_1_1', settings: ['TLS_1_1'], basis: 'RFC 8996 deprecates TLS 1.1' },
  { family: 'RC2', settings: ['RC2_40_128', 'RC2_56_128', 'RC2_128_128'], basis: 'RC2 with 40- or 56-bit keys is export-grade; RC2 is not a TLS cipher any current standard allows' },
  { family: 'RC4', settings: ['RC4_40_128', 'RC4_56_128', 'RC4_64_128', 'RC4_128_128'], basis: 'RFC 7465 prohibits RC4 in TLS' },
  { family: 'DES', settings: ['DES_56_56'], basis: '56-bit DES is brute-forceable; RFC 5469 removes it from TLS' },
  { family: '3DES', alsoNamed: ['TRIPLE_DES'], settings: ['3DES_168_168'], basis: 'NIST SP 800-131A Rev. 2 disallows 3DES encryption after 2023 (64-bit block, Sweet32)' },
];

function normalized(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The weak family a setting name belongs to, if any. */
export function weakFamilyOf(name: string): (typeof WEAK_SECURE_CHANNEL_SETTINGS)[number] | undefined {
  const n = normalized(name);
  return WEAK_SECURE_CHANNEL_SETTINGS.find((w) => w.settings.includes(n) || [w.family, ...(w.alsoNamed ?? [])].some((f) => n === f || n.startsWith(`${f}_`)));
}

/** `AllowedValues` is a string whose format depends on the setting's DataType: its words are the values. */
function allowedValuesOf(entry: SettingEntry): string[] | undefined {
  const words = entry.AllowedValues?.match(/[A-Za-z0-9_]+/g);
  return words && words.length > 0 ? words.map((w) => w.toLowerCase()) : undefined;
}

type Verdict = { verdict: 'enabled' | 'disabled' } | { verdict: 'unknown'; field: string; code: 'MissingField' | 'InvalidField'; why: string };

/** One weak setting: on, off, or not knowable from the answer (with the field that is missing or invalid). */
function judgeSetting(entry: SettingEntry): Verdict {
  const applied = entry.AppliedValue?.toLowerCase();
  if (applied === undefined) return { verdict: 'unknown', field: 'AppliedValue', code: 'MissingField', why: 'has no AppliedValue' };
  const allowed = allowedValuesOf(entry);
  if ((applied !== 'enable' && applied !== 'disable') || (allowed && !allowed.includes(applied))) {
    return { verdict: 'unknown', field: 'AppliedValue', code: 'InvalidField', why: `has AppliedValue ${entry.AppliedValue ?? ''}, not one of ${entry.AllowedValues ?? 'Enable, Disable'}` };
  }
  if (applied === 'enable') return { verdict: 'enabled' };
  // AWS keeps the original value when an update fails, and the status covers every Region of the directory.
  if (entry.RequestStatus === 'Failed') return { verdict: 'unknown', field: 'RequestStatus', code: 'InvalidField', why: `has RequestStatus Failed${entry.RequestStatusMessage ? ` (${String(entry.RequestStatusMessage)})` : ''}` };
  return { verdict: 'disabled' };
}

export const managedAdSecureProtocols: Rule = {
  meta: {
    id: 'directory-managed-ad-secure-protocols',
    title: 'AWS Managed Microsoft AD has legacy protocols and weak ciphers disabled',
    hops: [HOP],
    severity: 'medium',
    rationale:
      'Domain controllers that still accept PCT, SSL, TLS 1.0/1.1 or the RC2, RC4, DES or 3DES ciphers let their TLS traffic, including LDAPS, be downgraded to breakable encryption. ' +
      'AWS Managed Microsoft AD lets you disable each of them in its directory security settings; the rule judges the settings DescribeSettings lists, by name and allowed values, and records the expected ones it does not list.',
    evidenceUsed: ['ds:DescribeDirectories', 'ds:DescribeSettings'],
    decidedBy: ['type', 'edition', 'Type', 'Edition'],
    remediation: {
      summary: 'Disable every legacy protocol and weak cipher in the directory security settings.',
      console: [
        'Open the AWS Directory Service console, choose the directory, then Networking & security › Directory settings › Edit settings.',
        'Set PCT 1.0, SSL 2.0/3.0, TLS 1.0/1.1 and the RC2, RC4, DES and 3DES ciphers to Disable, review, then Update settings.',
      ],
      cli: 'aws ds update-settings --directory-id <directory-id> --settings Name=TLS_1_0,Value=Disable Name=TLS_1_1,Value=Disable',
    },
    references: [
      // "Secure Channel: Protocol" and "Secure Channel: Cipher" settings; TLS 1.2 and AES 256/256 cannot be disabled.
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ms_ad_directory_settings.html',
      // AppliedValue, AllowedValues, RequestStatus (Failed: the requested value was not applied).
      'https://docs.aws.amazon.com/directoryservice/latest/devguide/API_SettingEntry.html',
      // 3DES is disallowed for new encryption.
      'https://csrc.nist.gov/pubs/sp/800/131/a/r2/final',
    ],
    compliance: SECURE_PROTOCOLS,
  },
  evaluate(ctx) {
    return judgeDirectory(ctx, HOP, (resolved) => {
      const { directory, evidence, resource } = resolved;
      const id = directory.DirectoryId;
      const kind = directoryKind(directory);
      if (kind === undefined) return unknownTypeOutcome(HOP, resolved, `the security settings of directory ${id}`);
      if (kind !== 'managed-ad') {
        return outcome(HOP, 'NOT_APPLICABLE', resource, `Directory ${id} is ${directory.Type}; directory security settings exist for AWS Managed Microsoft AD only.`, { type: directory.Type });
      }
      const subject = `the security settings of directory ${id}`;
      const read = readCall(evidence?.settings, (error) => callErrorOutcome(HOP, resource, 'ds:DescribeSettings', error, subject));
      if (!read.ok) return read.outcome;
      if (read.value === undefined) {
        return callErrorOutcome(HOP, resource, 'ds:DescribeSettings', { code: 'UnsupportedOperationException', message: 'the directory reported no security settings' }, subject);
      }
      const settings = read.value;
      const unnamed = settings.filter((e) => e.Name === undefined).length;
      const weak = settings.flatMap((entry) => {
        const family = entry.Name === undefined ? undefined : weakFamilyOf(entry.Name);
        return family && entry.Name !== undefined ? [{ name: entry.Name, family: family.family, entry, judged: judgeSetting(entry) }] : [];
      });
      const listed = new Set(weak.map((w) => normalized(w.name)));
      const notListed = WEAK_SECURE_CHANNEL_SETTINGS.flatMap((w) => w.settings).filter((name) => !listed.has(name));
      const enabled = weak.filter((w) => w.judged.verdict === 'enabled').map((w) => w.name);
      const unknown = weak.flatMap((w) => (w.judged.verdict === 'unknown' ? [{ name: w.name, ...w.judged }] : []));
      const facts = {
        settingsRead: settings.length,
        weakSettings: weak.map((w) => ({ name: w.name, type: w.entry.Type ?? null, appliedValue: w.entry.AppliedValue ?? null, requestStatus: w.entry.RequestStatus ?? null, allowedValues: w.entry.AllowedValues ?? null })),
        enabledWeakSettings: enabled,
        notListedWeakSettings: notListed,
        ...(unnamed > 0 ? { settingsWithoutName: unnamed } : {}),
      };
      if (enabled.length > 0) {
        return {
          ...outcome(HOP, 'FAIL', resource, `Directory ${id} still enables ${enabled.join(', ')}.`, facts),
          remediation: `Disable them: aws ds update-settings --directory-id ${id} --settings ${enabled.map((n) => `"Name=${n},Value=Disable"`).join(' ')}`,
        };
      }
      const firstUnknown = unknown[0];
      if (firstUnknown || unnamed > 0) {
        const detail = [...unknown.map((u) => `setting ${u.name} ${u.why}`), ...(unnamed > 0 ? [`${unnamed} setting entries have no Name`] : [])].join('; ');
        const problem = firstUnknown ? { code: firstUnknown.code, field: firstUnknown.field, detail } : { code: 'MissingField' as const, field: 'Name', detail };
        const result = fieldErrorOutcome(HOP, resource, 'ds:DescribeSettings', problem, subject);
        return { ...result, evidence: { ...facts, ...result.evidence } };
      }
      if (weak.length === 0) {
        const result = fieldErrorOutcome(HOP, resource, 'ds:DescribeSettings', { code: 'MissingField', field: 'SettingEntries', detail: `DescribeSettings lists none of the legacy protocol and cipher settings (${notListed.join(', ')})` }, subject);
        return { ...result, evidence: { ...facts, ...result.evidence } };
      }
      const unlisted = notListed.length > 0 ? ` (not listed by the directory, so not judged: ${notListed.join(', ')})` : '';
      return outcome(HOP, 'PASS', resource, `Directory ${id} has every legacy protocol and weak cipher it lists disabled: ${weak.map((w) => w.name).join(', ')}${unlisted}.`, facts);
    });
  },
};
