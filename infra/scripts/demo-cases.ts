import type { CaseScript } from './case-driver';

const S66 = 'SA2020_s66' as const;

/** A handful of realistic hate crimes in England & Wales, each taking a different path. */
export const DEMO_CASES: readonly CaseScript[] = [
  {
    label: 'racially aggravated assault, guilty plea, uplift stated in open court',
    crimeReference: 'MPS/CR/0041873/24', forceCode: '01', recordedAt: '2024-05-04T21:15:00Z', urn: '01/KD/41873/24',
    offences: [{ offenceId: 'o1', code: '8/1', aggravatedUnder: 'CDA1998_s29' }],
    hateCrime: { strands: ['race'], perceivedBy: ['victim', 'officer'] },
    defendants: [{
      decision: 'charge', conviction: { basis: 'guilty_plea', courtType: 'magistrates' },
      sentence: { sentenceType: 'suspended_sentence', courtType: 'magistrates',
        uplift: { applied: true, provision: S66, statedInOpenCourt: true, strandsRecognised: ['race'] } },
    }],
  },
  {
    label: 'antisemitic criminal damage to a synagogue, convicted after trial at the Crown Court',
    crimeReference: 'WMP/20/118822/24', forceCode: '20', recordedAt: '2024-10-12T08:40:00Z', urn: '20/BH/118822/24',
    offences: [{ offenceId: 'o1', code: '58J', aggravatedUnder: 'CDA1998_s30' }],
    hateCrime: { strands: ['religion'], perceivedBy: ['victim', 'witness'], religionTargetedGroup: 'antisemitic' },
    defendants: [{
      decision: 'charge', conviction: { basis: 'after_trial', courtType: 'crown' },
      sentence: { sentenceType: 'immediate_custody', courtType: 'crown',
        uplift: { applied: true, provision: S66, statedInOpenCourt: true, strandsRecognised: ['religion'] } },
    }],
  },
  {
    label: 'homophobic assault, uplift applied but not stated in open court',
    crimeReference: 'GMP/06/77120/24', forceCode: '06', recordedAt: '2024-07-20T23:05:00Z', urn: '06/MC/77120/24',
    offences: [{ offenceId: 'o1', code: '105A' }],
    hateCrime: { strands: ['sexual_orientation'], perceivedBy: ['victim'] },
    defendants: [{
      decision: 'charge', conviction: { basis: 'guilty_plea', courtType: 'magistrates' },
      sentence: { sentenceType: 'community_order', courtType: 'magistrates',
        uplift: { applied: true, provision: S66, statedInOpenCourt: false, strandsRecognised: ['sexual_orientation'] } },
    }],
  },
  {
    label: 'theft from a disabled victim by two suspects, one charged, one no further action',
    crimeReference: 'WYP/13/20331/24', forceCode: '13', recordedAt: '2024-09-02T14:30:00Z', urn: '13/LS/20331/24',
    offences: [{ offenceId: 'o1', code: '39' }],
    hateCrime: { strands: ['disability'], perceivedBy: ['victim', 'officer'] },
    defendants: [
      {
        decision: 'charge', conviction: { basis: 'guilty_plea', courtType: 'magistrates' },
        sentence: { sentenceType: 'community_order', courtType: 'magistrates',
          uplift: { applied: true, provision: S66, statedInOpenCourt: true, strandsRecognised: ['disability'] } },
      },
      { decision: 'no_further_action_evidential' },
    ],
  },
  {
    label: 'transphobic harassment, no further action in the public interest',
    crimeReference: 'ASP/52/90215/24', forceCode: '52', recordedAt: '2024-11-18T17:45:00Z', urn: '52/BS/90215/24',
    offences: [{ offenceId: 'o1', code: '8/23' }],
    hateCrime: { strands: ['transgender'], perceivedBy: ['victim'] },
    defendants: [{ decision: 'no_further_action_public_interest' }],
  },
  {
    label: 'anti-Muslim public order offence (race and religion), uplift not applied',
    crimeReference: 'MER/05/55419/25', forceCode: '05', recordedAt: '2025-01-27T11:10:00Z', urn: '05/LV/55419/25',
    offences: [{ offenceId: 'o1', code: '125/94', aggravatedUnder: 'CDA1998_s31' }],
    hateCrime: { strands: ['race', 'religion'], perceivedBy: ['victim', 'witness'], religionTargetedGroup: 'anti_muslim' },
    defendants: [{
      decision: 'charge', conviction: { basis: 'after_trial', courtType: 'magistrates' },
      sentence: { sentenceType: 'fine', courtType: 'magistrates',
        uplift: { applied: false, provision: S66, statedInOpenCourt: false, strandsRecognised: [], reasonNotApplied: 'hostility_not_proved' } },
    }],
  },
  {
    label: 'racist graffiti, no suspect identified',
    crimeReference: 'KNT/46/31007/24', forceCode: '46', recordedAt: '2024-06-09T06:20:00Z',
    offences: [{ offenceId: 'o1', code: '58C' }],
    hateCrime: { strands: ['race'], perceivedBy: ['officer'] },
    defendants: [],
  },
  {
    label: "homophobic threats, charged and listed at the magistrates' court, awaiting trial",
    crimeReference: 'SXP/47/66001/25', forceCode: '47', recordedAt: '2025-02-14T20:00:00Z', urn: '47/BN/66001/25',
    offences: [{ offenceId: 'o1', code: '8/65' }],
    hateCrime: { strands: ['sexual_orientation'], perceivedBy: ['victim'] },
    defendants: [{ decision: 'charge', listing: { courtCode: 'B47BN00', hearingDate: '2025-03-24' } }],
  },
];
