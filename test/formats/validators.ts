/**
 * The consumers' schemas (copied in test/schemas/, see its README) as validators: SARIF with
 * ajv-draft-04, OCSF and ASFF with ajv's draft 2020-12 class, JUnit with xmllint compiled to WASM.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvDraft04Module from 'ajv-draft-04';
import ajvFormatsModule from 'ajv-formats';
import { validateXML } from 'xmllint-wasm';
import { ROOT } from '../helpers/cli.js';

export const SCHEMAS = resolve(ROOT, 'test/schemas');

// CommonJS packages: under NodeNext the default import is `module.exports`, whose `.default` is the export.
const AjvDraft04 = ajvDraft04Module.default;
const addFormats = ajvFormatsModule.default;

export function schemaText(file: string): string {
  return readFileSync(resolve(SCHEMAS, file), 'utf8');
}

function schemaJson(file: string): AnySchemaObject {
  return JSON.parse(schemaText(file)) as AnySchemaObject;
}

/** Validation result with readable errors, for `expect(errors).toEqual([])`. */
export type Validator = (value: unknown) => string[];

function wrap(validate: ValidateFunction): Validator {
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}

export function sarifValidator(): Validator {
  const ajv = new AjvDraft04({ allErrors: true, strict: false });
  addFormats(ajv);
  return wrap(ajv.compile(schemaJson('sarif-2.1.0.json')));
}

export function ocsfValidators(version: '1.1.0' | '1.6.0'): { cls: Validator; consistency: Validator } {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return {
    cls: wrap(ajv.compile(schemaJson(`ocsf-${version}-compliance_finding.cloud-datetime.schema.json`))),
    consistency: wrap(ajv.compile(schemaJson('ocsf-compliance_finding.consistency.schema.json'))),
  };
}

export function asffValidators(): { finding: Validator; batch: Validator; array: Validator } {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  const schema = schemaJson('asff.schema.json');
  ajv.addSchema(schema);
  const id = schema.$id as string;
  const get = (ref: string): ValidateFunction => {
    const validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`no schema ${ref}`);
    return validate;
  };
  return {
    finding: wrap(get(id)),
    batch: wrap(get(`${id}#/$defs/BatchImportFindingsRequest`)),
    array: wrap(get(`${id}#/$defs/FindingArray`)),
  };
}

/** xmllint's messages for the document against one XSD; empty when valid. */
export async function xsdErrors(xml: string, xsdFile: 'junit.xsd' | 'junit-ant-windyroad.xsd'): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: xsdFile, contents: schemaText(xsdFile) }],
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}
