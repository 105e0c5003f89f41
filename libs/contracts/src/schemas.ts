import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { EventEnvelope } from './envelope';
import { ENVELOPE_SCHEMA, EVENT_DATA_SCHEMAS } from './event-schemas';
import { isInstant, unstorableText } from './storable';
import { schemaName, upcast } from './upcasters';

/** The schemas live in event-schemas.ts; this file checks a message against them and upcasts it. */
export * from './event-schemas';

export type EnvelopeValidation =
  | { readonly valid: true; readonly envelope: EventEnvelope }
  | { readonly valid: false; readonly reason: string };

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
// RFC 3339 as every database downstream stores it: a zone, and an offset of at most 15:59.
ajv.addFormat('date-time', { type: 'string', validate: isInstant });
const validateEnvelopeShape = ajv.compile(ENVELOPE_SCHEMA);
const dataValidators = new Map<string, ValidateFunction>();
for (const [name, versions] of Object.entries(EVENT_DATA_SCHEMAS)) {
  for (const [version, schema] of Object.entries(versions)) {
    dataValidators.set(`${name}@${version}`, ajv.compile(schema));
  }
}

function describe(errors: ErrorObject[] | null | undefined, root: string): string {
  return (errors ?? [])
    .map((error) => {
      const where = `${root}${error.instancePath}`;
      const extra = 'additionalProperty' in error.params ? ` '${String(error.params.additionalProperty)}'` : '';
      const allowed = 'allowedValues' in error.params ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : '';
      return `${where} ${error.message ?? 'is invalid'}${extra}${allowed}`;
    })
    .join('; ');
}

/**
 * Parses and validates a raw Kafka message value as an envelope carrying a known event, checked
 * against the schema of its own version and then upcast to the latest version.
 */
export function validateEnvelope(raw: unknown): EnvelopeValidation {
  let candidate = raw;
  if (Buffer.isBuffer(candidate)) candidate = candidate.toString('utf8');
  if (typeof candidate === 'string') {
    try {
      candidate = JSON.parse(candidate);
    } catch (error) {
      return { valid: false, reason: `message is not JSON: ${(error as Error).message}` };
    }
  }
  const unstorable = unstorableText(candidate, 'envelope');
  if (unstorable) return { valid: false, reason: `${unstorable.path} ${unstorable.reason}` };
  if (!validateEnvelopeShape(candidate)) {
    return { valid: false, reason: `envelope invalid: ${describe(validateEnvelopeShape.errors, 'envelope')}` };
  }
  const envelope = candidate as unknown as EventEnvelope;
  const name = schemaName(envelope.type);
  if (!envelope.source.endsWith(`/${name.split('.')[0]}`)) {
    return { valid: false, reason: `envelope invalid: source ${envelope.source} cannot publish ${envelope.type}` };
  }
  const validateData = dataValidators.get(`${name}@${envelope.schemaversion}`);
  if (!validateData) {
    return { valid: false, reason: `unknown event type or schema version: ${envelope.type} v${envelope.schemaversion}` };
  }
  if (!validateData(envelope.data)) {
    return { valid: false, reason: `${envelope.type} v${envelope.schemaversion} invalid: ${describe(validateData.errors, 'data')}` };
  }
  if ((envelope.data as { caseId?: unknown }).caseId !== envelope.subject) {
    return { valid: false, reason: `envelope subject ${envelope.subject} does not match data.caseId` };
  }
  return { valid: true, envelope: upcast(envelope) };
}
