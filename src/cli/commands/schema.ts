import { z } from 'zod';
import { configJsonSchema } from '../../config/schema.js';
import { evidenceDocument } from '../../evidence/model.js';
import { reportJsonSchema } from '../../report/schema.js';
import { writeStdout } from '../output.js';

export async function runSchema(kind: 'report' | 'snapshot' | 'config'): Promise<void> {
  const schema = kind === 'report' ? reportJsonSchema() : kind === 'config' ? configJsonSchema() : z.toJSONSchema(evidenceDocument, { target: 'draft-2020-12' });
  await writeStdout(`${JSON.stringify(schema, null, 2)}\n`);
}
