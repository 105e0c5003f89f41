import type { HateCrimeFlag } from './hate-crime';
import type { Offence } from './police.events';

/** Events published by the CPS on the CPS topic. */

export const PRE_CHARGE_DECISIONS = [
  'charge',
  'no_further_action_evidential',
  'no_further_action_public_interest',
  'out_of_court_disposal',
  'administratively_finalised',
] as const;
export type PreChargeDecision = (typeof PRE_CHARGE_DECISIONS)[number];

export type CaseReceivedFromPolice = {
  readonly type: 'CaseReceivedFromPolice';
  readonly data: {
    readonly caseId: string;
    readonly urn: string;
    readonly forceCode: string;
    readonly cpsArea: string;
    readonly receivedAt: string;
    /** Id of the police `CaseReferredToCps` event this case was opened from. */
    readonly referralEventId: string;
    readonly defendantIds: readonly string[];
    readonly offences: readonly Offence[];
    /** Carried from the referral, never re-keyed. */
    readonly hateCrime?: HateCrimeFlag;
    readonly victimNeedsReceived: boolean;
  };
};

export type PreChargeDecisionMade = {
  readonly type: 'PreChargeDecisionMade';
  readonly data: {
    readonly caseId: string;
    readonly urn: string;
    readonly defendantId: string;
    readonly decision: PreChargeDecision;
    readonly decidedAt: string;
    /** Only for `charge`: the offences charged. */
    readonly charges: readonly Offence[];
    /** The flag as the CPS holds it when it decides; the courts open their case with it. */
    readonly hateCrime?: HateCrimeFlag;
    readonly cpsArea: string;
  };
};

export type CpsEvent = CaseReceivedFromPolice | PreChargeDecisionMade;
export type CpsEventType = CpsEvent['type'];
export const CPS_EVENT_TYPES: readonly CpsEventType[] = ['CaseReceivedFromPolice', 'PreChargeDecisionMade'];
