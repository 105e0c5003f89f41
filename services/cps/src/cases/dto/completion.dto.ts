import { IsInstant } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PROSECUTION_OUTCOMES, type ProsecutionOutcome } from '@hc/contracts';

export class CompletionDto {
  @ApiProperty({
    enum: PROSECUTION_OUTCOMES,
    example: 'discontinued',
    description:
      'Only the CPS decisions discontinued and administratively_finalised are sent here; convictions, acquittals and dismissals are recorded from the court result (outcome_comes_from_court)',
  })
  @IsIn(PROSECUTION_OUTCOMES)
  outcome!: ProsecutionOutcome;

  @ApiPropertyOptional({ example: '2024-07-01T12:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  completedAt?: string;
}
