import { configuredTopics, environment } from '@hc/config';
import { EventProducer, parseBrokers, readTopic, type ReadMessage } from '@hc/kafka';

/**
 * Lists, inspects and replays dead-lettered messages.
 *
 *   npm run dead-letters -- list [--consumer cps]
 *   npm run dead-letters -- inspect <partition>/<offset>
 *   npm run dead-letters -- replay <partition>/<offset>... | --all [--consumer cps]
 *
 * Replaying sends the original bytes, with the original key, back to the topic they came from.
 * Every consumer of that topic reads them again; they are idempotent (inbox, event ids), so a
 * consumer that had accepted the message the first time is not affected.
 */
export interface DeadLetterRecord {
  readonly at: string;
  readonly consumer: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly valueEncoding?: 'base64';
  readonly reason: string;
  readonly deadLetteredAt: string;
}

const connection = () => ({ brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-dead-letters' });

export async function listDeadLetters(consumer?: string): Promise<DeadLetterRecord[]> {
  const messages = await readTopic(connection(), configuredTopics().deadLetter);
  return messages
    .map((message: ReadMessage) => ({ at: `${message.partition}/${message.offset}`, ...(JSON.parse(message.value ?? '{}') as Omit<DeadLetterRecord, 'at'>) }))
    .filter((letter) => !consumer || letter.consumer === consumer);
}

/** Sends the chosen dead letters back to their topics; answers how many were sent. */
export async function replayDeadLetters(letters: readonly DeadLetterRecord[]): Promise<number> {
  const producer = new EventProducer(connection());
  try {
    await producer.send(
      letters.map((letter) => ({
        topic: letter.topic,
        key: letter.key ?? letter.at,
        value: letter.valueEncoding === 'base64' && letter.value !== null ? Buffer.from(letter.value, 'base64') : (letter.value ?? ''),
        headers: { 'dlq-replayed-from': letter.at, 'dlq-original-offset': `${letter.partition}/${letter.offset}` },
      })),
    );
  } finally {
    await producer.disconnect();
  }
  return letters.length;
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  const consumer = option(rest, '--consumer');
  const letters = await listDeadLetters(consumer);
  switch (command) {
    case 'list':
      if (letters.length === 0) console.log('no dead letters');
      for (const letter of letters) {
        console.log(`${letter.at.padEnd(10)} ${letter.deadLetteredAt}  ${letter.consumer.padEnd(14)} ${letter.topic}/${letter.partition}/${letter.offset}  ${letter.reason}`);
      }
      return;
    case 'inspect': {
      const letter = letters.find((candidate) => candidate.at === rest[0]);
      if (!letter) throw new Error(`no dead letter at ${rest[0]}; see: list`);
      console.log(JSON.stringify({ ...letter, value: tryParse(letter.value) }, null, 2));
      return;
    }
    case 'replay': {
      const chosen = rest.includes('--all') ? letters : letters.filter((letter) => rest.includes(letter.at));
      if (chosen.length === 0) throw new Error('nothing to replay: name dead letters as partition/offset, or --all');
      console.log(`replayed ${await replayDeadLetters(chosen)} message(s) to their original topics`);
      return;
    }
    default:
      throw new Error('usage: dead-letters list [--consumer NAME] | inspect P/O | replay P/O... | replay --all [--consumer NAME]');
  }
}

function tryParse(value: string | null): unknown {
  try {
    return value === null ? null : JSON.parse(value);
  } catch {
    return value;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`dead-letters: ${(error as Error).message}`);
    process.exit(1);
  });
}
