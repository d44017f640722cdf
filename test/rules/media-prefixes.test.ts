/** Kinesis Video streams are matched by name prefix: a longer prefix of another instance claims its own streams. */
import { describe, expect, it } from 'vitest';
import { mediaStreamsUseConfiguredKey } from '../../src/rules/streams/media-streams-use-configured-key.js';
import { addInstance, compliantStreamsEvidence, INSTANCE_ARN, MEDIA_PREFIX, ok, parts, runRule } from '../helpers/evidence.js';

const OTHER_KEY_ARN = 'arn:aws:kms:eu-central-1:111122223333:key/9f9f9f9f-aaaa-4bbb-8ccc-dddddddddddd';

function twoInstances(otherKeyOnTheirStream: string) {
  const doc = compliantStreamsEvidence();
  const other = addInstance(doc, { identity: 'SAML' });
  const region = doc.accounts[0]!.regions[0]!;
  const theirs = { StreamName: `${MEDIA_PREFIX}-eu-connect-other-contact-0001`, KmsKeyId: otherKeyOnTheirStream };
  (region.instances[other]!.storageConfigs as Record<string, unknown>).MEDIA_STREAMS = ok([
    { StorageType: 'KINESIS_VIDEO_STREAM', KinesisVideoStreamConfig: { Prefix: `${MEDIA_PREFIX}-eu`, EncryptionConfig: { EncryptionType: 'KMS', KeyId: OTHER_KEY_ARN } } },
  ]);
  region.instances[other]!.videoStreams = { [`${MEDIA_PREFIX}-eu`]: ok({ StreamInfoList: [theirs] }) };
  // ListStreams BEGINS_WITH "media-test" also lists the other instance's "media-test-eu-…" stream.
  const mine = parts(doc).instance.videoStreams![MEDIA_PREFIX] as { status: 'ok'; response: { StreamInfoList: unknown[] } };
  mine.response.StreamInfoList.push(theirs);
  return doc;
}

describe('media-streams-use-configured-key with overlapping prefixes', () => {
  it('leaves the streams of a longer prefix to its own config: no FAIL on another instance\'s key', () => {
    const findings = runRule(mediaStreamsUseConfiguredKey, twoInstances(OTHER_KEY_ARN), { resourceTypes: ['MEDIA_STREAMS'] });
    const mine = findings.filter((f) => f.instanceArn === INSTANCE_ARN);
    expect(mine.map((f) => f.status)).toEqual(['PASS']);
    expect(mine[0]!.evidence).toMatchObject({ streamsRead: 1, leftToLongerPrefixes: [`${MEDIA_PREFIX}-eu`] });
    expect(findings.filter((f) => f.instanceArn !== INSTANCE_ARN).map((f) => f.status)).toEqual(['PASS']);
  });

  it('still judges those streams under their own config', () => {
    const findings = runRule(mediaStreamsUseConfiguredKey, twoInstances('arn:aws:kms:eu-central-1:111122223333:key/00000000-0000-4000-8000-000000000000'), { resourceTypes: ['MEDIA_STREAMS'] });
    expect(findings.find((f) => f.instanceArn === INSTANCE_ARN)?.status).toBe('PASS');
    expect(findings.find((f) => f.instanceArn !== INSTANCE_ARN)?.status).toBe('FAIL');
  });
});
