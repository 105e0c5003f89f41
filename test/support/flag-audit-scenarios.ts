import { BOUNDARIES, type Boundary, type FindingType } from '@hc/contracts';
import type { AgencyCase, FlagBody } from './agency-case';

/**
 * The scenarios of test/flag-audit-findings.e2e-spec.ts: for every finding the flag audit can
 * raise, at every boundary it can raise it, one case driven through the agencies' HTTP APIs, each
 * in its own police force (so that force's statistics hold that case alone), with what the
 * agencies should answer, the findings the audit should list, and what the statistics should count.
 */
export { BOUNDARIES, type Boundary, type FindingType };

export const RECORDED_AT = '2023-06-15T10:00:00Z';
export const YEAR = '2023/24';
export const STAGES = ['recorded', 'suspect_identified', 'referred_to_cps', 'charged', 'prosecution_completed', 'convicted', 'sentenced', 'uplift_announced'] as const;
export const LOSSES = new Set(['lost', 'no_uplift_decision']);

export type Stage = (typeof STAGES)[number];
export type BoundaryResult = 'kept' | 'strands_changed' | 'removed_with_reason' | 'lost' | 'first_applied_downstream';

const RACE: FlagBody = { strands: ['race'], perceivedBy: ['victim'] };
const RACE_AND_RELIGION: FlagBody = { strands: ['race', 'religion'], perceivedBy: ['victim'], religionTargetedGroup: 'anti_muslim' };
const DISABILITY: FlagBody = { strands: ['disability'], perceivedBy: ['victim', 'officer'] };
const SEXUAL_ORIENTATION: FlagBody = { strands: ['sexual_orientation'], perceivedBy: ['witness'] };
const UPLIFT_APPLIED = { applied: true, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: ['race'] } as const;
const UPLIFT_DECLINED = {
  applied: false, provision: 'SA2020_s66', statedInOpenCourt: false, strandsRecognised: [], reasonNotApplied: 'hostility_not_proved',
} as const;

export interface FlagSide {
  readonly flagged: boolean;
  readonly strands: readonly string[];
}
export const flagged = (...strands: string[]): FlagSide => ({ flagged: true, strands });
export const NO_FLAG: FlagSide = { flagged: false, strands: [] };

export interface ExpectedWarning {
  readonly code: string;
  readonly finding: FindingType | null;
  readonly boundary: Boundary | null;
}

export interface ExpectedFinding {
  readonly boundary: Boundary;
  readonly finding: FindingType;
  /** A finding of one defendant (CPS -> court, conviction -> sentence); police -> CPS is of the whole case. */
  readonly ofDefendant: boolean;
  readonly upstream: FlagSide;
  readonly downstream: FlagSide;
  readonly reason?: string;
  /** The step whose event the finding shows at. */
  readonly at: string;
}

export interface Scenario {
  readonly title: string;
  readonly force: string;
  readonly drive: (c: AgencyCase) => Promise<void>;
  /** The warnings each step's answer carries; every other step answers none. */
  readonly warnings?: Readonly<Record<string, readonly ExpectedWarning[]>>;
  readonly findings: readonly ExpectedFinding[];
  /** What became of the flag at each boundary the case crossed (flag retention). */
  readonly crossings: Partial<Record<Boundary, BoundaryResult>>;
  /** The strands the statistics slice the case by, when not the police's race (the first agency that flags it). */
  readonly strands?: readonly string[];
  /** The furthest stage of the case's one defendant (a court case is opened from every charge). */
  readonly stage: Stage;
  readonly decision?: 'charge' | 'no_charge';
}

const POLICE_LOST = { finding: 'lost', boundary: 'police_to_cps' } as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    title: 'police -> CPS lost: the CPS record holds no flag',
    force: '03',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer();
      await c.cpsRecordFlag({ holds: 'no_flag' });
      await c.decide('charge');
    },
    warnings: { 'cps flag record': [{ code: 'flag_not_held', ...POLICE_LOST }], 'pre-charge decision': [{ code: 'charged_without_flag', ...POLICE_LOST }] },
    findings: [{ boundary: 'police_to_cps', finding: 'lost', ofDefendant: false, upstream: flagged('race'), downstream: NO_FLAG, at: 'cps flag record' }],
    crossings: { police_to_cps: 'lost' },
    stage: 'charged',
    decision: 'charge',
  },
  {
    title: 'police -> CPS lost: the police drop the flag without a reason before referring',
    force: '04',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect();
      await c.dropPoliceFlag();
      await c.refer();
      await c.decide('no_further_action_evidential');
    },
    warnings: { 'police flag removal': [{ code: 'removal_without_reason', ...POLICE_LOST }], referral: [{ code: 'flag_dropped_before_referral', ...POLICE_LOST }] },
    findings: [{ boundary: 'police_to_cps', finding: 'lost', ofDefendant: false, upstream: flagged('race'), downstream: NO_FLAG, at: 'referral' }],
    crossings: { police_to_cps: 'lost' },
    stage: 'referred_to_cps',
    decision: 'no_charge',
  },
  {
    title: 'police -> CPS lost: the police record holds no flag when they refer',
    force: '34',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect();
      await c.policeRecordFlag({ holds: 'no_flag' });
      await c.refer();
    },
    warnings: { 'police flag record': [{ code: 'flag_dropped_without_reason', ...POLICE_LOST }], referral: [{ code: 'flag_dropped_before_referral', ...POLICE_LOST }] },
    findings: [{ boundary: 'police_to_cps', finding: 'lost', ofDefendant: false, upstream: flagged('race'), downstream: NO_FLAG, at: 'referral' }],
    crossings: { police_to_cps: 'lost' },
    stage: 'referred_to_cps',
  },
  {
    title: 'police -> CPS lost: the CPS removes the flag without a reason',
    force: '35',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer();
      await c.cpsDropFlag();
    },
    warnings: { 'cps flag removal': [{ code: 'flag_not_held', ...POLICE_LOST }] },
    findings: [{ boundary: 'police_to_cps', finding: 'lost', ofDefendant: false, upstream: flagged('race'), downstream: NO_FLAG, at: 'cps flag removal' }],
    crossings: { police_to_cps: 'lost' },
    stage: 'referred_to_cps',
  },
  {
    title: 'police -> CPS strands_changed: the CPS confirms the flag with other strands',
    force: '07',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer();
      await c.cpsConfirmFlag(RACE_AND_RELIGION);
      await c.decide('charge');
    },
    warnings: { 'cps flag confirmation': [{ code: 'strands_differ_from_police', finding: 'strands_changed', boundary: 'police_to_cps' }] },
    findings: [{ boundary: 'police_to_cps', finding: 'strands_changed', ofDefendant: false, upstream: flagged('race'), downstream: flagged('race', 'religion'), at: 'cps flag confirmation' }],
    crossings: { police_to_cps: 'strands_changed', cps_to_court: 'kept' },
    stage: 'charged',
    decision: 'charge',
  },
  {
    title: 'police -> CPS strands_changed: the CPS record holds the flag with other strands',
    force: '10',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer();
      await c.cpsRecordFlag({ holds: 'flagged', hateCrime: DISABILITY });
      await c.decide('no_further_action_public_interest');
    },
    warnings: { 'cps flag record': [{ code: 'strands_differ_from_police', finding: 'strands_changed', boundary: 'police_to_cps' }] },
    findings: [{ boundary: 'police_to_cps', finding: 'strands_changed', ofDefendant: false, upstream: flagged('race'), downstream: flagged('disability'), at: 'cps flag record' }],
    crossings: { police_to_cps: 'strands_changed' },
    stage: 'referred_to_cps',
    decision: 'no_charge',
  },
  {
    title: 'police -> CPS removed_with_reason: the CPS removes the flag with a reason',
    force: '11',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer();
      await c.cpsRemoveFlag('no_hostility_on_evidence');
      await c.decide('no_further_action_evidential');
    },
    findings: [{
      boundary: 'police_to_cps', finding: 'removed_with_reason', ofDefendant: false, upstream: flagged('race'), downstream: NO_FLAG,
      reason: 'no_hostility_on_evidence', at: 'cps flag removal',
    }],
    crossings: { police_to_cps: 'removed_with_reason' },
    stage: 'referred_to_cps',
    decision: 'no_charge',
  },
  {
    title: 'police -> CPS first_applied_downstream: the CPS flags a case the police did not',
    force: '12',
    drive: async (c) => {
      await c.record(); await c.identifySuspect(); await c.refer();
      await c.cpsApplyFlag(DISABILITY, 'perceived_by_victim');
      await c.decide('charge');
    },
    findings: [{ boundary: 'police_to_cps', finding: 'first_applied_downstream', ofDefendant: false, upstream: NO_FLAG, downstream: flagged('disability'), at: 'cps flag application' }],
    crossings: { police_to_cps: 'first_applied_downstream', cps_to_court: 'kept' },
    strands: ['disability'],
    stage: 'charged',
    decision: 'charge',
  },
  {
    title: 'police -> CPS victim_needs_not_passed_on: victims assessed, referral without their needs',
    force: '14',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.assessVictim();
      await c.refer(false);
    },
    warnings: { referral: [{ code: 'victim_needs_not_passed_on', finding: 'victim_needs_not_passed_on', boundary: 'police_to_cps' }] },
    findings: [{ boundary: 'police_to_cps', finding: 'victim_needs_not_passed_on', ofDefendant: false, upstream: flagged('race'), downstream: flagged('race'), at: 'referral' }],
    crossings: { police_to_cps: 'kept' },
    stage: 'referred_to_cps',
  },
  {
    title: 'CPS -> court lost: the court record holds no flag',
    force: '16',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer(); await c.decide('charge');
      await c.courtRecordFlag({ holds: 'no_flag' });
    },
    warnings: { 'court flag record': [{ code: 'flag_not_held', finding: 'lost', boundary: 'cps_to_court' }] },
    findings: [{ boundary: 'cps_to_court', finding: 'lost', ofDefendant: true, upstream: flagged('race'), downstream: NO_FLAG, at: 'court flag record' }],
    crossings: { police_to_cps: 'kept', cps_to_court: 'lost' },
    stage: 'charged',
    decision: 'charge',
  },
  {
    title: 'CPS -> court lost: the court records not a hate crime, without a reason',
    force: '36',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer(); await c.decide('charge');
      await c.courtRecordFlag({ holds: 'not_hate_crime' });
    },
    warnings: { 'court flag record': [{ code: 'flag_not_held', finding: 'lost', boundary: 'cps_to_court' }] },
    findings: [{ boundary: 'cps_to_court', finding: 'lost', ofDefendant: true, upstream: flagged('race'), downstream: NO_FLAG, at: 'court flag record' }],
    crossings: { police_to_cps: 'kept', cps_to_court: 'lost' },
    stage: 'charged',
    decision: 'charge',
  },
  {
    title: 'CPS -> court strands_changed: the court records other strands',
    force: '17',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer(); await c.decide('charge');
      await c.courtRecordFlag({ holds: 'flagged', hateCrime: RACE_AND_RELIGION });
    },
    warnings: { 'court flag record': [{ code: 'strands_differ_from_cps', finding: 'strands_changed', boundary: 'cps_to_court' }] },
    findings: [{ boundary: 'cps_to_court', finding: 'strands_changed', ofDefendant: true, upstream: flagged('race'), downstream: flagged('race', 'religion'), at: 'court flag record' }],
    crossings: { police_to_cps: 'kept', cps_to_court: 'strands_changed' },
    stage: 'charged',
    decision: 'charge',
  },
  {
    title: 'CPS -> court removed_with_reason: the court records not a hate crime, with a reason',
    force: '21',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer(); await c.decide('charge');
      await c.courtRecordFlag({ holds: 'not_hate_crime', reason: 'other' });
    },
    findings: [{
      boundary: 'cps_to_court', finding: 'removed_with_reason', ofDefendant: true, upstream: flagged('race'), downstream: NO_FLAG,
      reason: 'other', at: 'court flag record',
    }],
    crossings: { police_to_cps: 'kept', cps_to_court: 'removed_with_reason' },
    stage: 'charged',
    decision: 'charge',
  },
  {
    title: 'CPS -> court first_applied_downstream: an unflagged charge, flagged by the court',
    force: '22',
    drive: async (c) => {
      await c.record(); await c.identifySuspect(); await c.refer(); await c.decide('charge');
      await c.courtRecordFlag({ holds: 'flagged', hateCrime: SEXUAL_ORIENTATION });
    },
    findings: [{ boundary: 'cps_to_court', finding: 'first_applied_downstream', ofDefendant: true, upstream: NO_FLAG, downstream: flagged('sexual_orientation'), at: 'court flag record' }],
    crossings: { cps_to_court: 'first_applied_downstream' },
    strands: ['sexual_orientation'],
    stage: 'charged',
    decision: 'charge',
  },
  {
    title: 'conviction -> sentence no_uplift_decision: a flagged defendant sentenced with no uplift decision',
    force: '23',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.refer(); await c.decide('charge');
      await c.list(); await c.convict();
      await c.sentence();
    },
    warnings: { sentence: [{ code: 'no_uplift_decision', finding: 'no_uplift_decision', boundary: 'conviction_to_sentence' }] },
    findings: [{ boundary: 'conviction_to_sentence', finding: 'no_uplift_decision', ofDefendant: true, upstream: flagged('race'), downstream: NO_FLAG, at: 'sentence' }],
    crossings: { police_to_cps: 'kept', cps_to_court: 'kept', conviction_to_sentence: 'lost' },
    stage: 'sentenced',
    decision: 'charge',
  },
  {
    title: 'conviction -> sentence first_applied_downstream: an unflagged defendant sentenced with an uplift',
    force: '30',
    drive: async (c) => {
      await c.record(); await c.identifySuspect(); await c.refer(); await c.decide('charge');
      await c.list(); await c.convict();
      await c.sentence(UPLIFT_APPLIED);
    },
    warnings: { sentence: [{ code: 'uplift_in_unflagged_case', finding: 'first_applied_downstream', boundary: 'conviction_to_sentence' }] },
    findings: [
      { boundary: 'conviction_to_sentence', finding: 'first_applied_downstream', ofDefendant: true, upstream: NO_FLAG, downstream: flagged('race'), at: 'sentence' },
      { boundary: 'conviction_to_sentence', finding: 'victim_not_told_of_uplift', ofDefendant: true, upstream: NO_FLAG, downstream: flagged('race'), at: 'sentence' },
    ],
    crossings: { conviction_to_sentence: 'first_applied_downstream' },
    stage: 'uplift_announced',
    decision: 'charge',
  },
  {
    title: 'conviction -> sentence victim_not_told_of_uplift: the uplift declined, the victim not told',
    force: '31',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.assessVictim(); await c.refer(); await c.decide('charge');
      await c.list(); await c.convict();
      await c.sentence(UPLIFT_DECLINED);
    },
    // A declined uplift is a decision: the court side of the boundary holds one, with no strand recognised.
    findings: [{ boundary: 'conviction_to_sentence', finding: 'victim_not_told_of_uplift', ofDefendant: true, upstream: flagged('race'), downstream: flagged(), at: 'sentence' }],
    crossings: { police_to_cps: 'kept', cps_to_court: 'kept', conviction_to_sentence: 'kept' },
    stage: 'sentenced',
    decision: 'charge',
  },
  {
    title: 'conviction -> sentence victim_not_told_of_uplift: the uplift applied, the victim told of the outcome only',
    force: '32',
    drive: async (c) => {
      await c.record(RACE); await c.identifySuspect(); await c.assessVictim(); await c.refer(); await c.decide('charge');
      await c.list(); await c.convict();
      await c.sentence(UPLIFT_APPLIED);
      await c.informVictim(false);
    },
    findings: [{ boundary: 'conviction_to_sentence', finding: 'victim_not_told_of_uplift', ofDefendant: true, upstream: flagged('race'), downstream: flagged('race'), at: 'victim informed' }],
    crossings: { police_to_cps: 'kept', cps_to_court: 'kept', conviction_to_sentence: 'kept' },
    stage: 'uplift_announced',
    decision: 'charge',
  },
];

/** A case no agency ever flags: outside the population the statistics count. */
export const UNFLAGGED_FORCE = '33';
export const DECLINED_UPLIFT = SCENARIOS.find((scenario) => scenario.force === '31')!;

