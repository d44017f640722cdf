/**
 * CloudFormation templates (one stack each; `cdk synth` output in `cdk.out/*.template.json` alike) →
 * the infrastructure-code model. Each template is read (template.ts), its intrinsic functions are
 * evaluated with its parameters and the run's account and region (intrinsics.ts), and the resources
 * the rules read are mapped (resources.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { partitionOfRegion } from '../../aws-names.js';
import { InputError } from '../../../errors.js';
import { emptyModel, isUnknown, PLACEHOLDER_ACCOUNT, Unknown, type IacModel } from '../model.js';
import { identityOf, type NamedIdentity } from './identities.js';
import { isRecord, Stack, type Resolved } from './intrinsics.js';
import { readParameters, type ParameterValues } from './parameters.js';
import { Props } from './properties.js';
import { mapResources, MAPPINGS, type MappedResource } from './resources.js';
import { readTemplate, type Template } from './template.js';

/** The region templates are read in when the run names none (the model's documented fallback). */
export const FALLBACK_REGION = 'us-east-1';

export interface CloudFormationOptions {
  parameters?: string | undefined;
  accountId?: string | undefined;
  region?: string | undefined;
}

/** Model names: the logical id, qualified by the stack when two templates use the same one. */
function modelNames(templates: Template[]): (template: Template, logicalId: string) => string {
  const count = new Map<string, number>();
  for (const t of templates) for (const id of Object.keys(t.body.Resources)) count.set(id, (count.get(id) ?? 0) + 1);
  return (template, logicalId) => ((count.get(logicalId) ?? 0) > 1 ? `${template.stem}.${logicalId}` : logicalId);
}

/** `Fn::ImportValue` across the templates of this run: the exports their Outputs declare. */
function exportsOf(stacks: () => Stack[]): (name: string) => Resolved {
  const reading = new Set<string>();
  return (name) => {
    if (reading.has(name)) return new Unknown(`Fn::ImportValue ${name} depends on itself`);
    reading.add(name);
    try {
      for (const stack of stacks()) {
        for (const output of Object.values(stack.template.body.Outputs ?? {})) {
          if (!isRecord(output) || !isRecord(output['Export'])) continue;
          if (typeof output['Condition'] === 'string' && stack.condition(output['Condition']) !== true) continue;
          if (stack.resolve(output['Export']['Name']) === name) return stack.resolve(output['Value']);
        }
      }
      return new Unknown(`Fn::ImportValue ${name}: no template of this run exports it`);
    } finally {
      reading.delete(name);
    }
  };
}

function transformWarning(template: Template): string[] {
  const transform = template.body.Transform;
  if (transform === undefined) return [];
  const names = (Array.isArray(transform) ? transform : [transform]).map((t) => (typeof t === 'string' ? t : JSON.stringify(t)));
  return [`${template.file}: declares Transform ${names.join(', ')}: resources the transform generates at deploy are not audited`];
}

/** The template files: a directory stands for the `*.template.json` files in it (a `cdk.out` cloud assembly). */
function templateFiles(paths: string[]): string[] {
  return paths.flatMap((path) => {
    const file = resolvePath(path);
    let directory = false;
    try {
      directory = statSync(file).isDirectory();
    } catch {
      // Not there: readTemplate says so.
    }
    if (!directory) return [file];
    const templates = readdirSync(file).filter((name) => name.endsWith('.template.json')).sort();
    if (templates.length === 0) throw new InputError(`${file}: a directory without *.template.json files (give the templates, or the cdk.out directory cdk synth writes)`);
    return templates.map((name) => join(file, name));
  });
}

export async function readCloudFormation(templates: string[], options: CloudFormationOptions): Promise<IacModel> {
  try {
    return readModel(templates, options);
  } catch (error) {
    // Values nested thousands deep (a template is data: nothing bounds it but the parser's depth).
    if (error instanceof RangeError) throw new InputError(`${templates.join(', ')}: values nested too deeply to evaluate`);
    throw error;
  }
}

function readModel(templates: string[], options: CloudFormationOptions): IacModel {
  if (templates.length === 0) throw new InputError('--cloudformation: no template given');
  const files = templateFiles(templates);
  const parsed = files.map(readTemplate);
  const parameters: ParameterValues = options.parameters === undefined ? new Map() : readParameters(options.parameters);
  const region = options.region ?? FALLBACK_REGION;
  const partition = partitionOfRegion(region);
  const accountId = options.accountId ?? PLACEHOLDER_ACCOUNT;
  const model = emptyModel('cloudformation', files, partition);
  model.accountId = options.accountId;
  if (options.region === undefined) model.warnings.push(`No region given: the templates are read as deployed to ${FALLBACK_REGION}.`);
  if (options.accountId === undefined) model.warnings.push(`No account given: AWS::AccountId is read as ${PLACEHOLDER_ACCOUNT}, a placeholder for the account the stacks are deployed to.`);

  const declared = new Set(parsed.flatMap((t) => Object.keys(t.body.Parameters ?? {})));
  for (const key of parameters.keys()) {
    if (!declared.has(key)) model.warnings.push(`${options.parameters}: parameter ${key} is not declared by any template`);
  }

  const nameOf = modelNames(parsed);
  const stacks: Stack[] = [];
  const importValue = exportsOf(() => stacks);
  for (const template of parsed) {
    model.warnings.push(...transformWarning(template));
    stacks.push(
      new Stack(template, {
        partition,
        region,
        accountId,
        parameters,
        importValue,
        identity: (stack, logicalId, resource) => identityOf(stack, logicalId, resource, nameOf(template, logicalId)),
      }),
    );
  }

  const mapped: MappedResource[] = [];
  for (const stack of stacks) {
    stack.identities();
    const { template } = stack;
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      if (!MAPPINGS[resource.Type]) continue;
      const created = stack.created(logicalId);
      if (created === false) continue;
      const name = nameOf(template, logicalId);
      const gate = isUnknown(created) ? new Unknown(`${name}: created only if ${created.detail}`) : undefined;
      const properties = stack.resolve(resource.Properties ?? {});
      const values = isUnknown(properties) ? properties : isRecord(properties) ? (properties as Record<string, Resolved>) : new Unknown('Properties is not a map');
      mapped.push({
        stack,
        logicalId,
        resource,
        name,
        source: { file: template.file, line: template.resourceLines.get(logicalId) ?? 1, logicalId, attributes: template.propertyLines.get(logicalId) ?? {} },
        props: new Props(name, values, '', gate),
        identity: stack.identity(logicalId) as NamedIdentity,
      });
    }
  }
  mapResources(model, mapped);
  return model;
}
