import { IsInstant } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional } from 'class-validator';
import { POLICE_OUTCOME_CODES, type PoliceOutcomeCode } from '@hc/contracts';

export class AssignPoliceOutcomeDto {
  @ApiProperty({
    enum: POLICE_OUTCOME_CODES,
    type: 'integer',
    example: 1,
    description:
      'Home Office outcome type: 1 charge/summons (only after a referral to the CPS), 2-3 caution, 4 TIC, 5 offender died, ' +
      '6 penalty notice, 7 cannabis/khat warning, 8 community resolution, 9-10 not in public interest, 11-13 prosecution prevented, ' +
      '14-16 evidential difficulties, 17 time limit, 18 no suspect identified (only when none was), 20 other body, ' +
      '21 further investigation not in public interest, 22 diversionary activity. There is no 19. An outcome is final.',
  })
  @IsInt() @IsIn(POLICE_OUTCOME_CODES, { message: 'outcomeCode must be a Home Office outcome type: 1-22 without 19' })
  outcomeCode!: PoliceOutcomeCode;

  @ApiPropertyOptional({ example: '2024-06-01T10:00:00Z', description: 'When the outcome was assigned; defaults to now' })
  @IsOptional() @IsInstant()
  assignedAt?: string;
}
