/**
 * `--parameters FILE`: stack parameter values, in any of the three shapes people keep them in:
 * - the CLI's `aws cloudformation create-stack --parameters file://…` list,
 *   `[{"ParameterKey": "K", "ParameterValue": "V"}]` (`UsePreviousValue: true` keeps a value this run
 *   cannot know: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html);
 * - CodePipeline's template configuration file, `{"Parameters": {"K": "V"}, "Tags": {…}}`
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/continuous-delivery-codepipeline-cfn-artifacts.html);
 * - a plain `{"K": "V"}` object.
 */
import { InputError } from '../../../errors.js';
import { Unknown } from '../model.js';
import { readText } from './template.js';

export type ParameterValues = Map<string, string | Unknown>;

const SHAPES = 'expected [{"ParameterKey": …, "ParameterValue": …}], {"Parameters": {"Key": "Value"}} or {"Key": "Value"}';

const isScalar = (value: unknown): value is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function fromList(file: string, list: unknown[]): ParameterValues {
  const values: ParameterValues = new Map();
  list.forEach((entry, index) => {
    if (!isObject(entry) || typeof entry['ParameterKey'] !== 'string') throw new InputError(`${file}: entry ${index + 1} has no ParameterKey: ${SHAPES}`);
    const key = entry['ParameterKey'];
    if (entry['UsePreviousValue'] === true) values.set(key, new Unknown(`parameter ${key} keeps its previous value (UsePreviousValue)`));
    else if (isScalar(entry['ParameterValue'])) values.set(key, String(entry['ParameterValue']));
    else throw new InputError(`${file}: parameter ${key} has no ParameterValue: ${SHAPES}`);
  });
  return values;
}

function fromObject(file: string, object: Record<string, unknown>): ParameterValues {
  const values: ParameterValues = new Map();
  for (const [key, value] of Object.entries(object)) {
    if (Array.isArray(value) && value.every(isScalar)) values.set(key, value.join(','));
    else if (isScalar(value)) values.set(key, String(value));
    else throw new InputError(`${file}: the value of ${key} is not a string: ${SHAPES}`);
  }
  return values;
}

export function readParameters(file: string): ParameterValues {
  const text = readText(file, 'the parameters file');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: the parameters file is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (Array.isArray(data)) return fromList(file, data);
  if (isObject(data) && isObject(data['Parameters'])) return fromObject(file, data['Parameters']);
  if (isObject(data) && !('Parameters' in data)) return fromObject(file, data);
  throw new InputError(`${file}: not a parameters file: ${SHAPES}`);
}
