import type { RuleCase } from './types.js';

/** Issue 8 (verdicts against AWS's documentation): old wrong verdict → new right one. */
export const accuracyPolicyCases: RuleCase[] = [];
