import type { SettingEntry } from '../../evidence/model.js';
import { SECURE_PROTOCOLS } from '../frameworks.js';
import { judgeDirectory } from '../lib/directory.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'auth.ad-connector-to-active-directory';
const LEGACY_PROTOCOLS = ['PCT_1_0', 'SSL_2_0', 'SSL_3_0', 'TLS_1_0', 'TLS_1_1'];
const REQUIRED_DISABLED = ['TLS_1_0', 'TLS_1_1'];
const WEAK_CIPHER = /RC2|RC4|DES|NULL/i;

/** A setting that, when enabled, lets the domain controllers negotiate a legacy protocol or weak cipher. */
export function isWeakSetting(entry: SettingEntry): boolean {
  const name = entry.Name ?? '';
  const legacy = LEGACY_PROTOCOLS.includes(name.toUpperCase()) || (/cipher/i.test(entry.Type ?? '') && WEAK_CIPHER.test(name));
  return legacy && (entry.AppliedValue ?? '').toLowerCase() === 'enable';
}

export const managedAdSecureProtocols: Rule = {
  meta: {
    id: 'directory-managed-ad-secure-protocols',
    title: 'AWS Managed Microsoft AD has legacy protocols and weak ciphers disabled',
    hops: [HOP],
    severity: 'high',
    rationale: 'Domain controllers that still accept SSL, TLS 1.0/1.1 or RC4/DES let LDAP traffic be downgraded to breakable encryption.',
    evidenceUsed: ['ds:DescribeSettings'],
    remediation: {
      summary: 'Disable every legacy protocol and weak cipher in the directory security settings.',
      console: ['Open the AWS Directory Service console, choose the directory, then Networking & security › Directory settings › Edit.', 'Set SSL 2.0/3.0, PCT 1.0, TLS 1.0/1.1 and the RC2, RC4, DES and NULL ciphers to Disable.'],
      cli: 'aws ds update-settings --directory-id <directory-id> --settings Name=TLS_1_0,Value=Disable Name=TLS_1_1,Value=Disable',
    },
    references: ['https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ms_ad_directory_settings.html'],
    compliance: SECURE_PROTOCOLS,
  },
  evaluate(ctx) {
    return judgeDirectory(ctx, HOP, ({ directory, evidence, resource }) => {
      if (directory.Type !== 'MicrosoftAD' && directory.Type !== 'SharedMicrosoftAD') {
        return outcome(HOP, 'NOT_APPLICABLE', resource, `Directory ${directory.DirectoryId} is ${directory.Type ?? 'of unknown type'}; protocol settings apply to AWS Managed Microsoft AD only.`, { type: directory.Type ?? null });
      }
      const subject = `the security settings of directory ${directory.DirectoryId}`;
      const read = readCall(evidence?.settings, (error) => callErrorOutcome(HOP, resource, 'ds:DescribeSettings', error, subject));
      if (!read.ok) return read.outcome;
      if (read.value === undefined) {
        return callErrorOutcome(HOP, resource, 'ds:DescribeSettings', { code: 'UnsupportedOperationException', message: 'the directory reported no security settings' }, subject);
      }
      const settings = read.value;
      const weak = settings.filter(isWeakSetting).map((e) => e.Name ?? 'unnamed');
      // Windows enables TLS 1.0 and 1.1 unless told otherwise: a setting not reported is not disabled.
      const unreported = REQUIRED_DISABLED.filter((name) => !settings.some((e) => (e.Name ?? '').toUpperCase() === name));
      const facts = { enabledLegacySettings: weak, unreportedSettings: unreported, settingsRead: settings.length };
      if (weak.length > 0 || unreported.length > 0) {
        const parts = [weak.length > 0 ? `still enables ${weak.join(', ')}` : '', unreported.length > 0 ? `does not report ${unreported.join(', ')} as disabled` : ''].filter(Boolean);
        return outcome(HOP, 'FAIL', resource, `Directory ${directory.DirectoryId} ${parts.join(' and ')}.`, facts);
      }
      return outcome(HOP, 'PASS', resource, `Directory ${directory.DirectoryId} has every legacy protocol and weak cipher disabled.`, facts);
    });
  },
};
