import { eventTypeName, type EventEnvelope } from '@hc/contracts';
import { prosecutionCompletedBy } from './court-results.consumer';

const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const defendantId = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const courtEventId = 'c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b';

function courtEvent(type: string, data: Record<string, unknown>): EventEnvelope {
  return {
    specversion: '1.0',
    id: courtEventId,
    source: '/agencies/courts',
    type: eventTypeName('courts', type),
    time: '2024-08-01T11:00:01Z',
    subject: caseId,
    datacontenttype: 'application/json',
    causationid: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    correlationid: caseId,
    streamversion: 2,
    schemaversion: 1,
    data: { caseId, defendantId, ...data },
  };
}

describe('the CPS outcome of a court result', () => {
  it.each([
    ['guilty_plea', 'guilty_plea'],
    ['after_trial', 'conviction_after_trial'],
    ['proof_in_absence', 'proof_in_absence'],
  ])('records a conviction on basis %s as %s, on the day of the conviction, with the court event id', (basis, outcome) => {
    const envelope = courtEvent('DefendantConvicted', { basis, courtType: 'crown', convictedAt: '2024-08-01T11:00:00Z' });
    expect(prosecutionCompletedBy(envelope)).toStrictEqual({
      type: 'CompleteProsecution',
      caseId,
      defendantId,
      outcome,
      completedAt: '2024-08-01T11:00:00Z',
      courtEventId,
    });
  });

  it.each([
    ['acquitted_after_trial', 'acquitted'],
    ['dismissed', 'dismissed'],
  ])('records an acquittal on basis %s as %s, on the day of the acquittal, with the court event id', (basis, outcome) => {
    const envelope = courtEvent('DefendantAcquitted', { basis, courtType: 'magistrates', acquittedAt: '2024-08-02T15:00:00Z' });
    expect(prosecutionCompletedBy(envelope)).toStrictEqual({
      type: 'CompleteProsecution',
      caseId,
      defendantId,
      outcome,
      completedAt: '2024-08-02T15:00:00Z',
      courtEventId,
    });
  });

  it.each(['CaseReceivedFromCps', 'CaseListed', 'PleaEntered', 'DefendantSentenced', 'VictimInformedOfOutcome'])(
    'ignores %s, which does not complete a prosecution',
    (type) => {
      expect(prosecutionCompletedBy(courtEvent(type, {}))).toBeUndefined();
    },
  );
});
