import type { EvidenceDocument } from '../../../src/evidence/model.js';
import type { Status } from '../../../src/findings/status.js';
import type { Finding } from '../../../src/report/schema.js';
import type { Rule } from '../../../src/rules/types.js';
import type { RunOptions } from '../../helpers/evidence.js';

/** One rule on one piece of evidence, and the verdict it must give. */
export interface RuleCase {
  rule: Rule;
  name: string;
  evidence: () => EvidenceDocument;
  options?: RunOptions;
  /** The hop whose single finding is checked (default: the rule's first documented hop). */
  hop?: string;
  expect: Status;
  /** Extra assertions on the finding (message, evidence). */
  check?: (finding: Finding) => void;
}
