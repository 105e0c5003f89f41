import { CPS_EVENT_TYPES } from './cps.events';
import { COURTS_EVENT_TYPES } from './courts.events';
import { agencySource, eventTypeName, type Agency } from './envelope';
import { POLICE_EVENT_TYPES } from './police.events';
import { ENVELOPE_SCHEMA, EVENT_DATA_SCHEMAS, LATEST_SCHEMA_VERSION } from './schemas';
import { topicNames } from './topics';

const EVENT_TYPES: Record<Agency, readonly string[]> = { police: POLICE_EVENT_TYPES, cps: CPS_EVENT_TYPES, courts: COURTS_EVENT_TYPES };

const AGENCY_TITLES: Record<Agency, string> = {
  police: 'Police case events',
  cps: 'Crown Prosecution Service case events',
  courts: 'HMCTS court case events',
};

/**
 * The AsyncAPI 3.0 document of the agency topics, generated from the same JSON schemas the consumers
 * validate with: one channel per agency topic, one message per event type at its latest schema version.
 * The dead-letter topic is described too, so that an operator knows what a dead letter holds.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const topics = topicNames('');
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const agency of ['police', 'cps', 'courts'] as const) {
    const channelMessages: Record<string, unknown> = {};
    for (const type of EVENT_TYPES[agency]) {
      const name = `${agency}.${type}`;
      const version = LATEST_SCHEMA_VERSION[name]!;
      messages[name] = {
        name: eventTypeName(agency, type),
        title: `${type} (schema version ${version})`,
        ...(version > 1
          ? {
              description:
                `Older versions (${Array.from({ length: version - 1 }, (_, i) => i + 1).join(', ')}) are still read: every consumer upcasts them to version ${version} ` +
                'at its door, and what the services publish and the projection keeps is always the latest version. Free text an older version carried ' +
                '(an offence description, a reason or a sentence in words) is dropped there; the code is unclassified unless the text was itself a code.',
            }
          : {}),
        contentType: 'application/cloudevents+json',
        bindings: { kafka: { key: { type: 'string', format: 'uuid', description: 'The case id (also the CloudEvents subject)' } } },
        payload: {
          ...ENVELOPE_SCHEMA,
          properties: {
            ...(ENVELOPE_SCHEMA.properties as Record<string, unknown>),
            source: { const: agencySource(agency) },
            type: { const: eventTypeName(agency, type) },
            schemaversion: { const: version },
            data: EVENT_DATA_SCHEMAS[name]![version],
          },
        },
      };
      channelMessages[type] = { $ref: `#/components/messages/${name}` };
    }
    channels[agency] = {
      address: `{prefix}${topics[agency]}`,
      title: AGENCY_TITLES[agency],
      description: `Keyed by case id; ${agency === 'police' ? 'consumed by the CPS and the projection' : agency === 'cps' ? 'consumed by the courts and the projection' : 'consumed by the CPS and the projection'}. Events are kept for ever (retention.ms=-1): they are the log the projection is rebuilt from.`,
      parameters: { prefix: { description: 'KAFKA_TOPIC_PREFIX of the deployment; empty in production' } },
      messages: channelMessages,
    };
    operations[`publish-${agency}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${agency}` },
      summary: `The ${agency} service publishes its case events through its transactional outbox.`,
    };
  }
  channels.deadLetter = {
    address: `{prefix}${topics.deadLetter}`,
    title: 'Dead letters',
    description: 'Messages a consumer could not use, with the reason; inspect and replay them after a fix.',
    parameters: { prefix: { description: 'KAFKA_TOPIC_PREFIX of the deployment' } },
    messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
  };
  messages.DeadLetter = {
    name: 'DeadLetter',
    contentType: 'application/json',
    payload: {
      type: 'object',
      required: ['consumer', 'topic', 'partition', 'offset', 'key', 'value', 'reason', 'deadLetteredAt'],
      properties: {
        consumer: { type: 'string' },
        topic: { type: 'string' },
        partition: { type: 'integer' },
        offset: { type: 'string' },
        key: { type: ['string', 'null'] },
        value: { type: ['string', 'null'], description: 'The original message value, as received' },
        reason: { type: 'string' },
        deadLetteredAt: { type: 'string', format: 'date-time' },
      },
    },
  };
  operations['publish-dead-letters'] = { action: 'send', channel: { $ref: '#/channels/deadLetter' } };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Hate crime case events',
      version: '1',
      description:
        'Case events of police, CPS and courts in England & Wales. Every message is a CloudEvents 1.0 envelope with causation id, correlation id, stream version and schema version; the Kafka key is the case id. ' +
        'Every `date-time` is RFC 3339 with a zone and an offset of at most 15:59 (what PostgreSQL stores), and no text holds a NUL or half a surrogate pair: consumers dead-letter a message that breaks either.',
    },
    defaultContentType: 'application/cloudevents+json',
    channels,
    operations,
    components: { messages },
  };
}
