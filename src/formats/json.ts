import { randomUUID } from 'node:crypto';
import type { Report } from '../report/schema.js';
import type { Formatter } from './types.js';

const CHUNK_CHARS = 1 << 20;
const NESTED_PREFIX = '{\n  "findings": [\n    '.length;
const NESTED_SUFFIX = '\n  ]\n}'.length;

/**
 * Exactly `JSON.stringify(report, null, 2)`, but findings are serialised one at a time: a report of
 * thousands of instances never exists as one string.
 */
function* jsonChunks(report: Report): Iterable<string> {
  // A nonce no account string can contain marks where the findings array goes.
  const placeholder = `\u0000findings-${randomUUID()}\u0000`;
  const skeleton = JSON.stringify({ ...report, findings: placeholder }, null, 2);
  const marker = JSON.stringify(placeholder);
  const at = skeleton.indexOf(marker);
  yield skeleton.slice(0, at);
  if (report.findings.length === 0) {
    yield '[]';
  } else {
    let batch = '[';
    for (const [i, finding] of report.findings.entries()) {
      // Serialised inside the same nesting as in the report, so its indentation comes out right.
      const nested = JSON.stringify({ findings: [finding] }, null, 2);
      batch += `${i === 0 ? '' : ','}\n    ${nested.slice(NESTED_PREFIX, -NESTED_SUFFIX)}`;
      if (batch.length >= CHUNK_CHARS) {
        yield batch;
        batch = '';
      }
    }
    yield `${batch}\n  ]`;
  }
  yield `${skeleton.slice(at + marker.length)}\n`;
}

export const json: Formatter = {
  id: 'json',
  description: 'the JSON report of SPEC §5 (schema: `schema report`)',
  extension: '.json',
  render: (report) => [...jsonChunks(report)].join(''),
  chunks: jsonChunks,
};
