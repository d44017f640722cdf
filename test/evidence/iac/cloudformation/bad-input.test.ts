/** Input the reader refuses: one line naming the file and the problem (InputError → exit 2), never a stack trace. */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCloudFormation } from '../../../../src/evidence/iac/cloudformation/index.js';
import { fixture, inputError, tempTemplate } from './fixtures.js';

const read = (file: string, parameters?: string) => readCloudFormation([file], { parameters });

describe('bad templates', () => {
  it.each([
    ['bad/malformed.yaml', /malformed\.yaml: not valid YAML or JSON at line 7: /],
    ['bad/truncated.json', /truncated\.json: not valid JSON at line \d+: .*the text ends early/],
    ['bad/terraform-plan.json', /terraform-plan\.json: not a CloudFormation template: no Resources section \(it looks like a Terraform plan: give it with --terraform-plan\)$/],
    ['bad/duplicate-keys.yaml', /duplicate-keys\.yaml: not valid YAML or JSON at line 5: Map keys must be unique/],
    ['cyclic.yaml', /cyclic\.yaml: circular reference: A → B → A$/],
  ])('%s', async (name, message) => {
    const text = await inputError(read(fixture(name)));
    expect(text).toMatch(message);
    expect(text.startsWith(fixture(name))).toBe(true);
  });

  it('a file that does not exist', async () => {
    expect(await inputError(read('/nonexistent/template.yaml'))).toBe('/nonexistent/template.yaml: cannot read the template (ENOENT)');
  });

  it.each([
    ['duplicate keys in JSON', '{"Resources": {"A": {"Type": "AWS::S3::Bucket"}, "A": {"Type": "AWS::S3::Bucket"}}}', 'template.json', /template\.json: not valid JSON at line 1: duplicate key "A"/],
    ['a YAML list', '- Resources\n', 'template.yaml', /not a CloudFormation template: no Resources section$/],
    ['an empty file', '', 'template.yaml', /not a CloudFormation template: no Resources section$/],
    ['a resource without Type', 'Resources:\n  A:\n    Properties: {}\n', 'template.yaml', /resource A has no Type$/],
    ['a Ref to nothing', 'Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref Missing\n', 'template.yaml', /A: Ref to Missing, which is neither a parameter nor a resource$/],
    ['a Fn::Sub of nothing', 'Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "${Missing.Arn}-x"\n', 'template.yaml', /A: Fn::Sub variable \$\{Missing\.Arn\} names neither a parameter nor a resource$/],
    ['a cycle through Fn::GetAtt and DependsOn', 'Resources:\n  A:\n    Type: AWS::KMS::Key\n    DependsOn: C\n  B:\n    Type: AWS::KMS::Alias\n    Properties:\n      TargetKeyId: !GetAtt A.Arn\n  C:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "${B}"\n', 'template.yaml', /circular reference: A → C → B → A$/],
    ['a resource that depends on itself', 'Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref A\n', 'template.yaml', /circular reference: A → A$/],
    ['cyclic conditions', 'Conditions:\n  First: !Not [!Condition Second]\n  Second: !Not [!Condition First]\nResources:\n  A:\n    Type: AWS::S3::Bucket\n    Condition: First\n', 'template.yaml', /circular reference: First → Second → First$/],
    ['a condition that is not declared', 'Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Condition: Nope\n', 'template.yaml', /condition Nope is not declared in Conditions$/],
    ['a YAML alias', 'Resources:\n  A: &bucket\n    Type: AWS::S3::Bucket\n  B: *bucket\n', 'template.yaml', /YAML aliases are not supported in CloudFormation templates$/],
  ])('%s', async (_what, text, name, message) => {
    expect(await inputError(read(tempTemplate(text, name)))).toMatch(message);
  });

  it('a YAML template in flow style is read as YAML, not refused as JSON', async () => {
    const model = await read(tempTemplate('{Resources: {Key: {Type: "AWS::KMS::Key", Properties: {EnableKeyRotation: !Ref AWS::NoValue}}}}\n'));
    expect(model.keys.map((k) => [k.name, k.source?.line])).toEqual([['Key', 1]]);
  });

  it('a 50 MB file is refused before it is parsed', async () => {
    const file = tempTemplate(`Resources: {}\n#${'x'.repeat(50 * 1024 * 1024)}\n`);
    const start = performance.now();
    expect(await inputError(read(file))).toBe(`${file}: 50 MB is not a CloudFormation template: CloudFormation takes templates of at most 1 MB`);
    expect(performance.now() - start).toBeLessThan(1000);
    rmSync(file);
  });

  it('no template at all', async () => {
    expect(await inputError(readCloudFormation([], {}))).toBe('--cloudformation: no template given');
  });
});

describe('bad parameters files', () => {
  const template = fixture('connect.yaml');

  it('a file of another shape', async () => {
    const file = fixture('bad/parameters-wrong-shape.json');
    expect(await inputError(read(template, file))).toBe(`${file}: not a parameters file: expected [{"ParameterKey": …, "ParameterValue": …}], {"Parameters": {"Key": "Value"}} or {"Key": "Value"}`);
  });

  it.each([
    ['not JSON', 'Environment=dev', /the parameters file is not valid JSON: /],
    ['a list entry without ParameterKey', '[{"Key": "Environment", "Value": "dev"}]', /entry 1 has no ParameterKey: expected /],
    ['a list entry without a value', '[{"ParameterKey": "Environment"}]', /parameter Environment has no ParameterValue: expected /],
    ['a value that is an object', '{"Environment": {"Value": "dev"}}', /the value of Environment is not a string: expected /],
    ['a number', '42', /not a parameters file: expected /],
  ])('%s', async (_what, text, message) => {
    expect(await inputError(read(template, tempTemplate(text, 'parameters.json')))).toMatch(message);
  });

  it('a file that does not exist', async () => {
    expect(await inputError(read(template, '/nonexistent/parameters.json'))).toBe('/nonexistent/parameters.json: cannot read the parameters file (ENOENT)');
  });
});
