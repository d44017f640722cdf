import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { MAX_SHARDS, parseShard, pinsOfShard, selectShard, shardDocument, shardOf } from '../../src/scope/shard.js';
import { A, B, C, organizationState } from '../helpers/accounts.js';

/** 200 distinct 12-digit account ids, spread like real ones (not consecutive). */
const ACCOUNTS = Array.from({ length: 200 }, (_, i) => String(100_000_000_000 + i * 3_999_999_937).slice(0, 12));

describe('--shard K/N', () => {
  it('parses K/N with 1 <= K <= N <= 1000, and nothing else', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard(`${MAX_SHARDS}/${MAX_SHARDS}`)).toEqual({ index: MAX_SHARDS, count: MAX_SHARDS });
    for (const bad of ['0/8', '9/8', '1/0', '1/1001', '3', '3/', '/8', '3/8/1', ' 3/8', '3 /8', '+3/8', '3.0/8', '0x3/8', 'a/b', '-1/8', '']) {
      expect(() => parseShard(bad), bad).toThrow(InputError);
    }
    expect(() => parseShard('9/8')).toThrow('--shard "9/8": expected K/N, whole numbers with 1 <= K <= N <= 1000, e.g. 3/8');
  });

  // The documented formula (docs/scale.md): these must never change between versions, or a CI
  // matrix running two versions of the tool would cover some accounts twice and others never.
  it('assigns by the first 4 bytes of SHA-256, big-endian, mod N, plus 1 (pinned values)', () => {
    // sha256('111122223333') starts aeb22166; 0xaeb22166 = 2930909542.
    expect(0xaeb22166 % 8).toBe(6);
    expect(shardOf('111122223333', 8)).toBe(7);
    expect([2, 3, 8, 1000].map((n) => shardOf('111122223333', n))).toEqual([1, 2, 7, 543]);
    expect([2, 3, 8, 1000].map((n) => shardOf('444455556666', n))).toEqual([2, 1, 6, 54]);
    expect([2, 3, 8, 1000].map((n) => shardOf('777788889999', n))).toEqual([1, 3, 7, 663]);
    expect([2, 3, 8, 1000].map((n) => shardOf('eu-central-1', n))).toEqual([2, 2, 8, 432]);
    expect([2, 3, 8, 1000].map((n) => shardOf('us-east-1', n))).toEqual([1, 3, 5, 461]);
  });

  it('puts every account of a list in exactly one shard, for N = 1..8', () => {
    expect(new Set(ACCOUNTS).size).toBe(200);
    for (let count = 1; count <= 8; count += 1) {
      const seen = new Map<string, number>();
      for (let index = 1; index <= count; index += 1) {
        const { selected } = selectShard(ACCOUNTS, { index, count }, 'account');
        for (const id of selected) seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      expect([...seen.keys()].sort()).toEqual([...ACCOUNTS].sort());
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    }
  });

  it('records what it chose from: the same list in any order gives the same record', () => {
    const one = selectShard(ACCOUNTS, { index: 2, count: 5 }, 'account');
    const shuffled = selectShard([...ACCOUNTS].reverse().concat(ACCOUNTS[0] ?? ''), { index: 2, count: 5 }, 'account');
    expect(shuffled).toEqual(one);
    expect(one.chosenFrom.size).toBe(200);
    expect(one.chosenFrom.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(selectShard(ACCOUNTS.slice(1), { index: 2, count: 5 }, 'account').chosenFrom.sha256).not.toBe(one.chosenFrom.sha256);
  });

  it('shards a multi-account document by account and a one-account document by region', () => {
    const doc = organizationState();
    const byAccount = [1, 2, 3].map((index) => shardDocument(doc, { index, count: 3 }, [], 'org.json'));
    expect(byAccount.map((d) => d.accounts.map((a) => a.accountId))).toEqual([[B], [A], [C]]);
    expect(byAccount[0]?.collection?.shard).toMatchObject({ index: 1, count: 3, by: 'account', selected: [B], chosenFrom: { size: 3 } });

    const single = { ...doc, accounts: doc.accounts.slice(0, 1) };
    const regions = [1, 2, 3].map((index) => shardDocument(single, { index, count: 3 }, [], 'a.json').accounts[0]?.regions.map((r) => r.region));
    expect(regions).toEqual([[], ['eu-central-1'], ['us-east-1']]);
    expect(() => shardDocument(byAccount[0] ?? doc, { index: 1, count: 3 }, [], 'part.json')).toThrow('part.json was collected as shard 1/3; audit it without --shard');
  });

  it('gives each pinned instance to the shard of its account (region) and refuses bare ids', () => {
    const pinA = `arn:aws:connect:eu-central-1:${A}:instance/a1b2c3d4-0000-4000-8000-000000000001`;
    const pinB = `arn:aws:connect:us-east-1:${B}:instance/a1b2c3d4-0000-4000-8000-000000000002`;
    const record = selectShard([A, B], { index: 2, count: 3 }, 'account');
    expect(record.selected).toEqual([A]);
    expect(pinsOfShard([pinA, pinB], record)).toEqual([pinA]);
    expect(pinsOfShard([pinA, pinB], selectShard(['us-east-1'], { index: 3, count: 3 }, 'region'))).toEqual([pinB]);
    expect(() => pinsOfShard(['a1b2c3d4-0000-4000-8000-000000000001'], record)).toThrow('with --shard, name instances by ARN');
  });
});
