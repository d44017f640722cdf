/**
 * AWS KMS, awsJson1_1 (`x-amz-target: TrentService.<Op>`): keys looked up by reference, key id,
 * key ARN, alias name or alias ARN.
 */
import type { KeyEvidence } from '../../src/evidence/model.js';
import type { EmulatorState, KeyMatch } from './state.js';
import { ApiError } from './types.js';
import type { RequestContext, ServiceModule } from './types.js';
import { answerOf, awsJsonError, jsonBody, jsonTarget, jsonReply, limitOf, paginate, statusForCode, stringMember, toWireJson } from './wire.js';

const OPERATIONS = new Set(['DescribeKey', 'GetKeyRotationStatus', 'GetKeyPolicy', 'ListAliases', 'ListKeyRotations', 'ListGrants']);

/**
 * Keys whose material cannot rotate (asymmetric, HMAC, custom key stores): ListKeyRotations refuses
 * them with UnsupportedOperationException, "a specified resource is not valid for this operation".
 */
function rotationsUnsupported(meta: { KeySpec?: string | undefined; Origin?: string | undefined }): boolean {
  return (meta.KeySpec !== undefined && meta.KeySpec !== 'SYMMETRIC_DEFAULT') || meta.Origin === 'AWS_CLOUDHSM' || meta.Origin === 'EXTERNAL_KEY_STORE';
}

function defaultKeyPolicy(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  });
}

export function kmsService(state: EmulatorState, pageSize: number): ServiceModule {
  const notFound = (keyId: string) => new ApiError('NotFoundException', `Key '${keyId}' does not exist`, 400);

  /** The records for the key the request names; the first one holding `field` when there is one. */
  function resolve(ctx: RequestContext, keyId: string | undefined, field?: keyof KeyEvidence): KeyMatch {
    if (keyId === undefined || keyId === '') throw new ApiError('ValidationException', 'KeyId is required', 400);
    const matches = state.keys(ctx.caller.account, ctx.caller.region, keyId);
    const match = (field && matches.find((m) => m.key[field] !== undefined)) ?? matches[0];
    if (!match) throw notFound(keyId);
    return match;
  }

  /** KMS refuses GetKeyPolicy and ListAliases on another account's key. */
  function sameAccountOnly(ctx: RequestContext, match: KeyMatch): void {
    if (match.accountId !== ctx.caller.account) {
      throw new ApiError('AccessDeniedException', `${ctx.operation} is not allowed across accounts`);
    }
  }

  /** KeyMetadata of a key; a key whose DescribeKey was not answered fails every other call the same way. */
  function metadataOf(match: KeyMatch) {
    return answerOf(match.key.describeKey).KeyMetadata;
  }

  function page<T>(ctx: RequestContext, body: Record<string, unknown>, keyId: string | undefined, items: readonly T[]) {
    return paginate(items, {
      scope: `${ctx.operation}|${ctx.caller.account}|${ctx.caller.region}|${keyId ?? ''}`,
      token: stringMember(body, 'Marker'),
      limit: limitOf(body.Limit),
      pageSize,
      invalidToken: () => new ApiError('InvalidMarkerException', 'The request was rejected because the marker is not valid.', 400),
    });
  }

  /** A list answer: the page, `Truncated`, and `NextMarker` when there is more. */
  function listReply(member: string, result: { page: unknown[]; next: string | undefined }) {
    const reply: Record<string, unknown> = { [member]: toWireJson(result.page), Truncated: result.next !== undefined };
    if (result.next !== undefined) reply.NextMarker = result.next;
    return jsonReply(reply);
  }

  return {
    name: 'kms',
    identify(request) {
      const operation = jsonTarget(request, 'TrentService', OPERATIONS);
      const keyId = stringMember(jsonBody(request.body), 'KeyId');
      return keyId === undefined ? { operation } : { operation, resource: keyId };
    },
    handle(ctx) {
      const body = jsonBody(ctx.request.body);
      const keyId = stringMember(body, 'KeyId');
      switch (ctx.operation) {
        case 'DescribeKey':
          return jsonReply(toWireJson(answerOf(resolve(ctx, keyId).key.describeKey)));
        case 'GetKeyRotationStatus': {
          const match = resolve(ctx, keyId, 'rotation');
          if (match.key.rotation) return jsonReply(toWireJson(answerOf(match.key.rotation)));
          const meta = metadataOf(match);
          return jsonReply({ KeyId: meta.Arn ?? meta.KeyId, KeyRotationEnabled: meta.KeyManager === 'AWS' });
        }
        case 'GetKeyPolicy': {
          const match = resolve(ctx, keyId, 'keyPolicy');
          sameAccountOnly(ctx, match);
          if (match.key.keyPolicy) return jsonReply(answerOf(match.key.keyPolicy));
          metadataOf(match);
          return jsonReply({ PolicyName: 'default', Policy: defaultKeyPolicy(match.accountId) });
        }
        case 'ListAliases': {
          let aliases: Array<Record<string, unknown>>;
          if (keyId !== undefined) {
            const match = resolve(ctx, keyId, 'aliases');
            sameAccountOnly(ctx, match);
            aliases = match.key.aliases ? answerOf(match.key.aliases) : [];
          } else {
            const byName = new Map<string, Record<string, unknown>>();
            for (const key of state.keysIn(ctx.caller.account, ctx.caller.region)) {
              if (key.aliases?.status !== 'ok') continue;
              for (const alias of key.aliases.response) byName.set(alias.AliasName ?? alias.AliasArn ?? '', alias);
            }
            aliases = [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, alias]) => alias);
          }
          return listReply('Aliases', page(ctx, body, keyId, aliases));
        }
        // Another account's key too, by ARN (API_ListGrants: "To specify a KMS key in a different AWS
        // account, you must use the key ARN"), as its key policy allows.
        case 'ListGrants': {
          const match = resolve(ctx, keyId, 'grants');
          if (match.key.grants) return listReply('Grants', page(ctx, body, keyId, answerOf(match.key.grants)));
          metadataOf(match);
          return listReply('Grants', page(ctx, body, keyId, []));
        }
        case 'ListKeyRotations': {
          const match = resolve(ctx, keyId, 'rotations');
          sameAccountOnly(ctx, match);
          let rotations: unknown[];
          if (match.key.rotations) {
            rotations = answerOf(match.key.rotations);
          } else {
            const meta = metadataOf(match);
            if (rotationsUnsupported(meta)) {
              throw new ApiError('UnsupportedOperationException', `${meta.Arn ?? meta.KeyId} is not valid for this operation.`, 400);
            }
            rotations = [];
          }
          return listReply('Rotations', page(ctx, body, keyId, rotations));
        }
        default:
          throw new ApiError('UnknownOperationException', `Unknown operation ${ctx.operation}`, 400);
      }
    },
    renderError(error) {
      return awsJsonError(error, error.status ?? statusForCode('kms', error.code));
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDeniedException', message: 'User is not authorized to perform this operation.' },
      NotFound: { code: 'NotFoundException', message: 'The specified key does not exist.' },
      InternalError: { code: 'KMSInternalException', message: 'An internal error occurred.', status: 500 },
      Throttle: { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 },
    },
    malformed: () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"KeyMetadata": {"KeyId": ' }),
  };
}
