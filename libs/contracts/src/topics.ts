import type { Agency } from './envelope';

/** One topic per agency, keyed by case id; one dead-letter topic for what a consumer cannot use. */
export interface TopicNames {
  readonly police: string;
  readonly cps: string;
  readonly courts: string;
  readonly deadLetter: string;
}

export function topicNames(prefix: string): TopicNames {
  return {
    police: `${prefix}hatecrime.police.case-events`,
    cps: `${prefix}hatecrime.cps.case-events`,
    courts: `${prefix}hatecrime.courts.case-events`,
    deadLetter: `${prefix}hatecrime.dead-letter`,
  };
}

export function topicOf(topics: TopicNames, agency: Agency): string {
  return topics[agency];
}
