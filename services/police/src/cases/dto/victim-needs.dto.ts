import { IsInstant } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import {
  RISK_LEVELS,
  SPECIAL_MEASURES,
  VICTIM_NEEDS,
  type RiskLevel,
  type SpecialMeasure,
  type VictimNeed,
} from '@hc/contracts';

export class AssessVictimNeedsDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Pseudonymous victim id; generated when absent. Never a name, address or date of birth.' })
  @IsOptional() @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'victimId must be a UUID' })
  victimId?: string;

  @ApiProperty({ enum: RISK_LEVELS, example: 'high', description: 'Outcome of the risk assessment' })
  @IsIn(RISK_LEVELS)
  riskLevel!: RiskLevel;

  @ApiProperty({ enum: VICTIM_NEEDS, isArray: true, example: ['safeguarding'], description: 'Needs found; an empty list means none' })
  @IsArray() @ArrayUnique() @IsIn(VICTIM_NEEDS, { each: true })
  needs!: VictimNeed[];

  @ApiProperty({ example: true, description: "Victims' Code enhanced service; a hate crime victim is entitled to it, so it must be true on a flagged case" })
  @IsBoolean()
  enhancedService!: boolean;

  @ApiProperty({ enum: SPECIAL_MEASURES, isArray: true, example: ['screens'], description: 'Special measures (YJCEA 1999 ss.23-30) the victim wants at court; may be empty' })
  @IsArray() @ArrayUnique() @IsIn(SPECIAL_MEASURES, { each: true })
  specialMeasuresWanted!: SpecialMeasure[];

  @ApiPropertyOptional({ example: '2024-05-04T15:00:00Z', description: 'When the needs were assessed; defaults to now' })
  @IsOptional() @IsInstant()
  assessedAt?: string;
}
