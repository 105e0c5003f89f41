/**
 * Police forces of England & Wales by the two-digit code that opens a URN, with the CPS area that
 * prosecutes their cases. The CPS area is looked up here, not re-keyed at the hand-over.
 */
export interface Force {
  readonly code: string;
  readonly name: string;
  readonly cpsArea: string;
}

const FORCE_LIST: readonly Force[] = [
  { code: '01', name: 'Metropolitan Police', cpsArea: 'London North' },
  { code: '03', name: 'Cumbria', cpsArea: 'North West' },
  { code: '04', name: 'Lancashire', cpsArea: 'North West' },
  { code: '05', name: 'Merseyside', cpsArea: 'Mersey-Cheshire' },
  { code: '06', name: 'Greater Manchester', cpsArea: 'North West' },
  { code: '07', name: 'Cheshire', cpsArea: 'Mersey-Cheshire' },
  { code: '10', name: 'Northumbria', cpsArea: 'North East' },
  { code: '11', name: 'Durham', cpsArea: 'North East' },
  { code: '12', name: 'North Yorkshire', cpsArea: 'Yorkshire and Humberside' },
  { code: '13', name: 'West Yorkshire', cpsArea: 'Yorkshire and Humberside' },
  { code: '14', name: 'South Yorkshire', cpsArea: 'Yorkshire and Humberside' },
  { code: '16', name: 'Humberside', cpsArea: 'Yorkshire and Humberside' },
  { code: '17', name: 'Cleveland', cpsArea: 'North East' },
  { code: '20', name: 'West Midlands', cpsArea: 'West Midlands' },
  { code: '21', name: 'Staffordshire', cpsArea: 'West Midlands' },
  { code: '22', name: 'West Mercia', cpsArea: 'West Midlands' },
  { code: '23', name: 'Warwickshire', cpsArea: 'West Midlands' },
  { code: '30', name: 'Derbyshire', cpsArea: 'East Midlands' },
  { code: '31', name: 'Nottinghamshire', cpsArea: 'East Midlands' },
  { code: '32', name: 'Lincolnshire', cpsArea: 'East Midlands' },
  { code: '33', name: 'Leicestershire', cpsArea: 'East Midlands' },
  { code: '34', name: 'Northamptonshire', cpsArea: 'East Midlands' },
  { code: '35', name: 'Cambridgeshire', cpsArea: 'East of England' },
  { code: '36', name: 'Norfolk', cpsArea: 'East of England' },
  { code: '37', name: 'Suffolk', cpsArea: 'East of England' },
  { code: '40', name: 'Bedfordshire', cpsArea: 'Thames and Chiltern' },
  { code: '41', name: 'Hertfordshire', cpsArea: 'Thames and Chiltern' },
  { code: '42', name: 'Essex', cpsArea: 'East of England' },
  { code: '43', name: 'Thames Valley', cpsArea: 'Thames and Chiltern' },
  { code: '44', name: 'Hampshire', cpsArea: 'Wessex' },
  { code: '45', name: 'Surrey', cpsArea: 'South East' },
  { code: '46', name: 'Kent', cpsArea: 'South East' },
  { code: '47', name: 'Sussex', cpsArea: 'South East' },
  { code: '48', name: 'City of London', cpsArea: 'London North' },
  { code: '50', name: 'Devon and Cornwall', cpsArea: 'South West' },
  { code: '52', name: 'Avon and Somerset', cpsArea: 'South West' },
  { code: '53', name: 'Gloucestershire', cpsArea: 'South West' },
  { code: '54', name: 'Wiltshire', cpsArea: 'Wessex' },
  { code: '55', name: 'Dorset', cpsArea: 'Wessex' },
  { code: '60', name: 'North Wales', cpsArea: 'Cymru-Wales' },
  { code: '61', name: 'Gwent', cpsArea: 'Cymru-Wales' },
  { code: '62', name: 'South Wales', cpsArea: 'Cymru-Wales' },
  { code: '63', name: 'Dyfed-Powys', cpsArea: 'Cymru-Wales' },
];

export const FORCES: ReadonlyMap<string, Force> = new Map(FORCE_LIST.map((force) => [force.code, force]));
export const FORCE_CODES: readonly string[] = FORCE_LIST.map((force) => force.code);
