/** Finding ids are stable across runs and releases: a report diffed or imported later matches on them. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findingId } from '../../src/findings/evaluate.js';

describe('findingId', () => {
  it('is the first 20 hex digits of SHA-256 over rule, hop, resource and instance, one a line', () => {
    const parts = ['s3-bucket-denies-insecure-transport', 'storage.call-recordings.transfer', 'arn:aws:s3:::récordings-😀', 'arn:aws:connect:eu-central-1:111122223333:instance/abc'] as const;
    const expected = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 20);
    expect(findingId(...parts)).toBe(expected);
    expect(findingId('r', 'h', 'arn:aws:s3:::b', 'arn:aws:connect:us-east-1:111122223333:instance/i')).toBe(
      createHash('sha256').update('r\nh\narn:aws:s3:::b\narn:aws:connect:us-east-1:111122223333:instance/i').digest('hex').slice(0, 20),
    );
  });
});
