/**
 * What each resource type returns to `Ref` and `Fn::GetAtt`, from the "Return values" section of its
 * page in the CloudFormation template reference
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-<service>-<type>.html).
 * A name the template sets is that name; one CloudFormation generates (no BucketName, a key's id) is the
 * model's placeholder, the same for every reference, so the links between resources follow references.
 */
import { Unknown, instanceArnOf, placeholderBucketName, placeholderDirectoryId, placeholderInstanceId, placeholderKeyArn } from '../model.js';
import { urlSuffixOf, type Identity, type Resolved, type Resource, type Stack } from './intrinsics.js';

/** The resource's name property when the template sets it to a known string, else undefined. */
function nameProperty(stack: Stack, resource: Resource, property: string): string | undefined {
  const value = stack.resolve(resource.Properties?.[property]);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A generated name: the placeholder shape every `placeholder*` function of the model uses. */
const generatedName = (name: string): string => placeholderInstanceId(name);

export interface NamedIdentity extends Identity {
  /** The identifier the model records the resource under (bucket name, key ARN, stream ARN …). */
  readonly id: string;
}

type Build = (stack: Stack, logicalId: string, resource: Resource, name: string) => NamedIdentity;

function named(ref: string, attributes: Record<string, string | (() => Resolved)>, id = ref): NamedIdentity {
  return {
    id,
    ref: () => ref,
    attribute: (attribute) => {
      const value = attributes[attribute];
      if (value === undefined) return new Unknown(`${attribute} is assigned at deploy`);
      return typeof value === 'function' ? value() : value;
    },
  };
}

const BUILDERS: Record<string, Build> = {
  // Ref: "the bucket name"; Arn: arn:aws:s3:::DOC-EXAMPLE-BUCKET.
  'AWS::S3::Bucket': (stack, _id, resource, name) => {
    const bucket = nameProperty(stack, resource, 'BucketName') ?? placeholderBucketName(name);
    const { partition, region } = stack.context;
    const suffix = urlSuffixOf(partition);
    return named(bucket, {
      Arn: `arn:${partition}:s3:::${bucket}`,
      DomainName: `${bucket}.s3.${suffix}`,
      RegionalDomainName: `${bucket}.s3.${region}.${suffix}`,
      DualStackDomainName: `${bucket}.s3.dualstack.${region}.${suffix}`,
    });
  },
  // Ref: "the key ID"; Arn, KeyId. KMS assigns the id, so it is always a placeholder.
  'AWS::KMS::Key': (stack, _id, _resource, name) => {
    const { partition, region, accountId } = stack.context;
    const arn = placeholderKeyArn(partition, region, accountId, name);
    const keyId = arn.slice(arn.indexOf(':key/') + ':key/'.length);
    return named(keyId, { Arn: arn, KeyId: keyId }, arn);
  },
  // Ref: "the alias name, such as alias/exampleAlias".
  'AWS::KMS::Alias': (stack, logicalId, resource) => {
    const alias = stack.resolve(resource.Properties?.['AliasName']);
    return { id: typeof alias === 'string' ? alias : logicalId, ref: () => alias, attribute: (a) => new Unknown(`${a} is assigned at deploy`) };
  },
  // The template reference says Ref returns "the ID of the Amazon Connect instance", but the resource
  // schema's primaryIdentifier (what Ref returns for registry resource types) is the Arn, and
  // InstanceStorageConfig.InstanceArn takes an ARN. Ref gives the ARN; the readers link by id or ARN.
  'AWS::Connect::Instance': (stack, _id, _resource, name) => {
    const { partition, region, accountId } = stack.context;
    const id = placeholderInstanceId(name);
    const arn = instanceArnOf(partition, region, accountId, id);
    return named(arn, { Arn: arn, Id: id }, id);
  },
  'AWS::DirectoryService::MicrosoftAD': (_stack, _id, _resource, name) => named(placeholderDirectoryId(name), {}),
  'AWS::DirectoryService::SimpleAD': (_stack, _id, _resource, name) => named(placeholderDirectoryId(name), { DirectoryId: placeholderDirectoryId(name) }),
  // Ref: "the stream name"; Arn: arn:aws:kinesis:us-east-2:123456789012:stream/mystream.
  'AWS::Kinesis::Stream': (stack, _id, resource, name) => {
    const stream = nameProperty(stack, resource, 'Name') ?? generatedName(name);
    const { partition, region, accountId } = stack.context;
    const arn = `arn:${partition}:kinesis:${region}:${accountId}:stream/${stream}`;
    return named(stream, { Arn: arn }, arn);
  },
  // Ref: "the delivery stream name"; Arn: arn:aws:firehose:us-east-2:123456789012:deliverystream/delivery-stream-name.
  'AWS::KinesisFirehose::DeliveryStream': (stack, _id, resource, name) => {
    const stream = nameProperty(stack, resource, 'DeliveryStreamName') ?? generatedName(name);
    const { partition, region, accountId } = stack.context;
    const arn = `arn:${partition}:firehose:${region}:${accountId}:deliverystream/${stream}`;
    return named(stream, { Arn: arn }, arn);
  },
  // Ref: "the resource name"; Arn: arn:aws:logs:us-west-1:123456789012:log-group:/mystack-testgroup-12ABC1AB12A1:*.
  'AWS::Logs::LogGroup': (stack, _id, resource, name) => {
    const group = nameProperty(stack, resource, 'LogGroupName') ?? generatedName(name);
    const { partition, region, accountId } = stack.context;
    return named(group, { Arn: `arn:${partition}:logs:${region}:${accountId}:log-group:${group}:*` });
  },
  // Roles are named in key and bucket policies; Ref: the role name; Arn: arn:aws:iam::…:role/<path><name>.
  'AWS::IAM::Role': (stack, _id, resource, name) => {
    const role = nameProperty(stack, resource, 'RoleName') ?? generatedName(name);
    const path = nameProperty(stack, resource, 'Path') ?? '/';
    const { partition, accountId } = stack.context;
    return named(role, { Arn: `arn:${partition}:iam::${accountId}:role${path}${role}` });
  },
};

export function identityOf(stack: Stack, logicalId: string, resource: Resource, name: string): NamedIdentity {
  const build = BUILDERS[resource.Type];
  if (build) return build(stack, logicalId, resource, name);
  return {
    id: logicalId,
    ref: () => new Unknown(`Ref ${logicalId} (${resource.Type}) is assigned at deploy`),
    attribute: (attribute) => new Unknown(`${logicalId}.${attribute} (${resource.Type}) is assigned at deploy`),
  };
}

