/**
 * Compliance frameworks and the control sets rules map to. Rules pick a set in their metadata; a test
 * freezes the resulting mapping so a change to it is always deliberate.
 */
import type { ComplianceMapping } from './types.js';

export const FRAMEWORKS = {
  pci: 'PCI DSS 4.0',
  hipaa: 'HIPAA Security Rule',
  nist: 'NIST SP 800-53 rev. 5',
  iso: 'ISO/IEC 27001:2022',
  soc2: 'SOC 2',
} as const;
export type FrameworkKey = keyof typeof FRAMEWORKS;

/** `--framework` accepts the short key (`pci`), or the full name in any case. */
export function parseFramework(text: string): FrameworkKey | undefined {
  const wanted = text.trim().toLowerCase();
  return (Object.keys(FRAMEWORKS) as FrameworkKey[]).find(
    (key) => key === wanted || FRAMEWORKS[key].toLowerCase() === wanted,
  );
}

type ControlSet = Record<FrameworkKey, string[]>;

function mapping(set: ControlSet): ComplianceMapping[] {
  return (Object.keys(FRAMEWORKS) as FrameworkKey[])
    .filter((key) => set[key].length > 0)
    .map((key) => ({ framework: FRAMEWORKS[key], controls: [...set[key]] }));
}

/**
 * Data protected by strong cryptography while it crosses a network. HIPAA: 164.312(e)(2)(ii) is the
 * transmission-security encryption specification ((e)(2)(i) is integrity controls); at rest is
 * 164.312(a)(2)(iv), encryption and decryption.
 */
export const ENCRYPTION_IN_TRANSIT = mapping({
  pci: ['4.2.1'],
  hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'],
  nist: ['SC-8', 'SC-8(1)', 'SC-13'],
  iso: ['A.5.14', 'A.8.24'],
  soc2: ['CC6.7'],
});

/** Data that must reach, and stay in, storage the organisation controls. */
export const DATA_FLOW_CONTROL = mapping({
  pci: ['3.2.1', '7.2.1'],
  hipaa: ['164.312(a)(1)', '164.312(c)(1)'],
  nist: ['AC-3', 'AC-4', 'SC-7'],
  iso: ['A.5.14', 'A.8.3'],
  soc2: ['CC6.1', 'CC6.6'],
});

/** Storage not readable by the public. */
export const PUBLIC_ACCESS = mapping({
  pci: ['1.4.1', '7.2.1'],
  hipaa: ['164.312(a)(1)'],
  nist: ['AC-3', 'AC-6', 'SC-7'],
  iso: ['A.5.15', 'A.8.3'],
  soc2: ['CC6.1', 'CC6.6'],
});

/** Stored data encrypted under keys the organisation manages. */
export const ENCRYPTION_AT_REST = mapping({
  pci: ['3.5.1', '3.6.1'],
  hipaa: ['164.312(a)(2)(iv)'],
  nist: ['SC-12', 'SC-28', 'SC-28(1)'],
  iso: ['A.8.24'],
  soc2: ['CC6.1'],
});

/** The lifecycle of cryptographic keys: usable, right kind, rotated, not exposed. */
export const KEY_MANAGEMENT = mapping({
  pci: ['3.6.1', '3.7.4'],
  hipaa: ['164.312(a)(2)(iv)'],
  nist: ['SC-12', 'SC-12(1)'],
  iso: ['A.8.24'],
  soc2: ['CC6.1'],
});

/** Certificates that protect a channel are valid and not about to expire. */
export const CERTIFICATE_MANAGEMENT = mapping({
  pci: ['4.2.1', '4.2.1.1'],
  hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'],
  nist: ['SC-8', 'SC-17'],
  iso: ['A.8.24'],
  soc2: ['CC6.7'],
});

/** Agent authentication is protected and multi-factor. */
export const AUTHENTICATION = mapping({
  pci: ['8.3.2', '8.4.2'],
  hipaa: ['164.312(d)'],
  nist: ['IA-2', 'IA-2(1)', 'IA-5(1)'],
  iso: ['A.8.5'],
  soc2: ['CC6.1'],
});

/** Protocols and ciphers negotiated by a server are current. */
export const SECURE_PROTOCOLS = mapping({
  pci: ['4.2.1'],
  hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'],
  nist: ['SC-8(1)', 'SC-13'],
  iso: ['A.8.24'],
  soc2: ['CC6.7'],
});
