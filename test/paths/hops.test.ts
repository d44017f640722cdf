import { describe, expect, it } from 'vitest';
import { CONTACT_FLOW_LOGS_HOP, DOCUMENTED_HOPS, EXTRA_STORAGE_HOPS, findHop, hopOrder, parseResourceType, storageHopId, STORAGE_RESOURCE_TYPES } from '../../src/paths/hops.js';
import { ruleCoversHop, RULES } from '../../src/rules/index.js';
import { compliantStreamsEvidence, runRule } from '../helpers/evidence.js';

describe('the path model', () => {
  it('has exactly the hop ids of SPEC §2, in order', () => {
    expect(DOCUMENTED_HOPS.map((h) => h.id)).toEqual([
      'voice.agent-browser-to-connect',
      'voice.webrtc-media',
      'voice.pstn-carrier',
      'voice.recording-to-s3',
      'voice.recording-at-rest',
      'auth.browser-to-oauth-gateway',
      'auth.oauth-gateway-to-ad-connector',
      'auth.ad-connector-to-active-directory',
      'auth.oauth-ticket-to-browser',
      'auth.ccp-load',
    ]);
  });

  it('gives every documented hop at least one rule, and every rule an existing hop', () => {
    for (const hop of DOCUMENTED_HOPS) expect(RULES.some((r) => ruleCoversHop(r, hop.id)), hop.id).toBe(true);
    for (const rule of RULES) {
      for (const pattern of rule.meta.hops) {
        const example = pattern.replace('*', 'chat-transcripts');
        expect(findHop(example), `${rule.meta.id}: ${pattern}`).toBeDefined();
      }
    }
  });

  it('lists in each rule every hop it reports on, so explain and paths show the rules of a hop', () => {
    const doc = compliantStreamsEvidence();
    for (const rule of RULES) {
      for (const finding of runRule(rule, doc)) expect(ruleCoversHop(rule, finding.hop), `${rule.meta.id} on ${finding.hop}`).toBe(true);
    }
    for (const hop of EXTRA_STORAGE_HOPS) expect(RULES.filter((r) => ruleCoversHop(r, hop.id)).map((r) => r.meta.id)).toContain('kms-key-enabled');
    expect(RULES.filter((r) => ruleCoversHop(r, CONTACT_FLOW_LOGS_HOP.id)).map((r) => r.meta.id)).not.toContain('firehose-encryption');
  });

  it('names storage hops after the Connect resource type', () => {
    expect(storageHopId('CALL_RECORDINGS', 'transfer')).toBe('voice.recording-to-s3');
    expect(storageHopId('CALL_RECORDINGS', 'at-rest')).toBe('voice.recording-at-rest');
    expect(storageHopId('REAL_TIME_CONTACT_ANALYSIS_VOICE_SEGMENTS', 'at-rest')).toBe('storage.real-time-contact-analysis-voice-segments.at-rest');
    expect(parseResourceType('chat-transcripts')).toBe('CHAT_TRANSCRIPTS');
    expect(parseResourceType('Chat_Transcripts')).toBe('CHAT_TRANSCRIPTS');
    expect(parseResourceType('voicemail')).toBeUndefined();
    for (const type of STORAGE_RESOURCE_TYPES) expect(findHop(storageHopId(type, 'at-rest'))).toBeDefined();
  });

  it('orders storage hops after the documented ones, transfer before at-rest', () => {
    const ids = ['storage.chat-transcripts.at-rest', 'auth.ccp-load', 'storage.chat-transcripts.transfer', 'voice.webrtc-media'];
    const sorted = [...ids].sort((a, b) => {
      const [ia, na] = hopOrder(a);
      const [ib, nb] = hopOrder(b);
      return ia - ib || na.localeCompare(nb);
    });
    expect(sorted).toEqual(['voice.webrtc-media', 'auth.ccp-load', 'storage.chat-transcripts.transfer', 'storage.chat-transcripts.at-rest']);
  });
});
