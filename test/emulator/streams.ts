/**
 * Kinesis Data Streams and Amazon Data Firehose, both awsJson1_1: `x-amz-target:
 * Kinesis_20131202.DescribeStreamSummary` / `Firehose_20150804.DescribeDeliveryStream`, content type
 * application/x-amz-json-1.1, errors `{"__type": code, "message": ...}` (the SDK reads the code from
 * `__type`), every error of both operations HTTP 400 but internal failures.
 *
 * The answers come from the evidence's `kinesisStreams` / `deliveryStreams` records (keyed by ARN),
 * whichever account's evidence holds them, the ARN's owner first. A stream answers in the region and
 * account its ARN names; another account may read it only when the record says it was read as that
 * account (`readAs`: a resource policy let it), else AccessDeniedException. An unknown ARN is
 * ResourceNotFoundException, as is a recorded `absent`.
 *
 * DescribeDeliveryStream names the delivery stream (caller's account and region) and pages its
 * destinations: at most min(Limit, pageSize) after ExclusiveStartDestinationId, HasMoreDestinations
 * when some are left.
 */
import { arnRegionAndAccount, partitionOfRegion } from '../../src/evidence/aws-names.js';
import type { AccountEvidence, Call, DeliveryStreamEvidence, KinesisStreamEvidence } from '../../src/evidence/model.js';
import type { EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { Caller, ServiceModule, ServiceName } from './types.js';
import { answerOf, awsJsonError, jsonBody, jsonReply, jsonTarget, limitOf, stringMember, toWireJson } from './wire.js';

type StreamKind = 'kinesisStreams' | 'deliveryStreams';
type StreamRecord<K extends StreamKind> = NonNullable<AccountEvidence[K]>[string];

/** The record of `arn`, and the account whose evidence holds it. */
function recordOf<K extends StreamKind>(state: EmulatorState, kind: K, arn: string): { record: StreamRecord<K>; holder: string } | undefined {
  const owner = arnRegionAndAccount(arn)?.account;
  const accounts = [...state.doc.accounts].sort((a, b) => Number(b.accountId === owner) - Number(a.accountId === owner));
  for (const account of accounts) {
    const records = account[kind] as Record<string, StreamRecord<K>> | undefined;
    if (records && Object.prototype.hasOwnProperty.call(records, arn)) {
      const record = records[arn];
      if (record) return { record, holder: account.accountId };
    }
  }
  return undefined;
}

/** The record `caller` may read at `arn`, or the error AWS would answer. */
function readable<K extends StreamKind>(state: EmulatorState, kind: K, arn: string, caller: Caller, what: string): StreamRecord<K> {
  const notFound = new ApiError('ResourceNotFoundException', `${what} ${arn} not found.`, 400);
  const named = arnRegionAndAccount(arn);
  const found = recordOf(state, kind, arn);
  if (!named || !found || named.region !== caller.region) throw notFound;
  const readAs = found.record.readAs ?? found.holder;
  if (named.account !== caller.account && readAs !== caller.account) {
    throw new ApiError('AccessDeniedException', `User: arn:aws:sts::${caller.account}:assumed-role/auditor is not authorized to access ${arn}.`, 400);
  }
  return found.record;
}

function answered<T>(call: Call<T>, notFound: string): T {
  if (call.status === 'absent') throw new ApiError('ResourceNotFoundException', call.message ?? notFound, 400);
  return answerOf(call);
}

/** What both services share: the wire error shape and statuses, the malformed body. */
function awsJsonService(
  name: ServiceName,
  faultCodes: ServiceModule['faultCodes'],
): Pick<ServiceModule, 'name' | 'renderError' | 'faultCodes' | 'malformed'> {
  return {
    name,
    renderError(error) {
      return awsJsonError(error, error.status ?? (/Internal|ServiceUnavailable/.test(error.code) ? 500 : 400));
    },
    faultCodes,
    malformed: () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"Description": {"Name": ' }),
  };
}

const KINESIS_OPERATIONS = new Set(['DescribeStreamSummary']);

export function kinesisService(state: EmulatorState): ServiceModule {
  return {
    ...awsJsonService('kinesis', {
      AccessDenied: { code: 'AccessDeniedException', message: 'User is not authorized to perform: kinesis:DescribeStreamSummary', status: 400 },
      NotFound: { code: 'ResourceNotFoundException', message: 'Stream not found.', status: 400 },
      InternalError: { code: 'InternalFailure', message: 'The request processing has failed because of an unknown error.', status: 500 },
      // API_DescribeStreamSummary.html: "LimitExceededException ... HTTP Status Code: 400"
      Throttle: { code: 'LimitExceededException', message: 'Rate exceeded for DescribeStreamSummary.', status: 400 },
    }),
    identify(request) {
      const operation = jsonTarget(request, 'Kinesis_20131202', KINESIS_OPERATIONS);
      const body = jsonBody(request.body);
      const resource = stringMember(body, 'StreamARN') ?? stringMember(body, 'StreamName');
      return resource === undefined ? { operation } : { operation, resource };
    },
    handle(ctx) {
      const body = jsonBody(ctx.request.body);
      const name = stringMember(body, 'StreamName');
      const arn =
        stringMember(body, 'StreamARN') ??
        (name !== undefined ? `arn:${partitionOfRegion(ctx.caller.region)}:kinesis:${ctx.caller.region}:${ctx.caller.account}:stream/${name}` : undefined);
      if (arn === undefined) throw new ApiError('InvalidArgumentException', 'StreamARN or StreamName is required.', 400);
      const record: KinesisStreamEvidence = readable(state, 'kinesisStreams', arn, ctx.caller, 'Stream');
      const response = answered(record.describeStreamSummary, `Stream ${arn} not found.`);
      return jsonReply(toWireJson(response));
    },
  };
}

const FIREHOSE_OPERATIONS = new Set(['DescribeDeliveryStream']);

export function firehoseService(state: EmulatorState, pageSize: number): ServiceModule {
  return {
    ...awsJsonService('firehose', {
      AccessDenied: { code: 'AccessDeniedException', message: 'User is not authorized to perform: firehose:DescribeDeliveryStream', status: 400 },
      NotFound: { code: 'ResourceNotFoundException', message: 'Firehose stream not found.', status: 400 },
      InternalError: { code: 'ServiceUnavailableException', message: 'The service is unavailable. Back off and retry the operation.', status: 500 },
      // Firehose's control plane answers a request over its rate with ThrottlingException (HTTP 400).
      Throttle: { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 },
    }),
    identify(request) {
      const operation = jsonTarget(request, 'Firehose_20150804', FIREHOSE_OPERATIONS);
      const name = stringMember(jsonBody(request.body), 'DeliveryStreamName');
      return name === undefined ? { operation } : { operation, resource: name };
    },
    handle(ctx) {
      const body = jsonBody(ctx.request.body);
      const name = stringMember(body, 'DeliveryStreamName');
      if (name === undefined) throw new ApiError('InvalidArgumentException', 'DeliveryStreamName is required.', 400);
      const { region, account } = ctx.caller;
      const arn = `arn:${partitionOfRegion(region)}:firehose:${region}:${account}:deliverystream/${name}`;
      const record: DeliveryStreamEvidence = readable(state, 'deliveryStreams', arn, ctx.caller, 'Firehose stream');
      const description = answered(record.describeDeliveryStream, `Firehose stream ${name} under account ${account} not found.`).DeliveryStreamDescription;
      const destinations = description.Destinations ?? [];
      const after = stringMember(body, 'ExclusiveStartDestinationId');
      const start = after === undefined ? 0 : destinations.findIndex((d) => d.DestinationId === after) + 1;
      if (start === 0 && after !== undefined) throw new ApiError('InvalidArgumentException', `Destination ${after} not found.`, 400);
      const limit = limitOf(body.Limit);
      const size = Math.max(1, limit !== undefined ? Math.min(limit, pageSize) : pageSize);
      const page = destinations.slice(start, start + size);
      const reply = { ...description, Destinations: page, HasMoreDestinations: start + page.length < destinations.length };
      return jsonReply({ DeliveryStreamDescription: toWireJson(reply) });
    },
  };
}
