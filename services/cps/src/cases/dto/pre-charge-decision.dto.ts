import { IsInstant, IsNotBlank, RefusesFreeText } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { AGGRAVATED_OFFENCE_SECTIONS, PRE_CHARGE_DECISIONS, type AggravatedOffenceSection, type PreChargeDecision } from '@hc/contracts';

export class ChargeDto {
  @ApiProperty({ example: 'off-1' })
  @IsString() @IsNotBlank() @Length(1, 100)
  offenceId!: string;

  @ApiProperty({ example: '105A' })
  @IsString() @IsNotBlank() @Length(1, 20)
  code!: string;

  @RefusesFreeText('the offence code says what the offence is')
  description?: unknown;

  @ApiPropertyOptional({ enum: AGGRAVATED_OFFENCE_SECTIONS })
  @IsOptional() @IsIn(AGGRAVATED_OFFENCE_SECTIONS)
  aggravatedUnder?: AggravatedOffenceSection;
}

export class PreChargeDecisionDto {
  @ApiProperty({ enum: PRE_CHARGE_DECISIONS })
  @IsIn(PRE_CHARGE_DECISIONS)
  decision!: PreChargeDecision;

  @ApiPropertyOptional({ type: [ChargeDto], description: 'The offences charged; required for a charge decision, refused otherwise' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => ChargeDto)
  charges?: ChargeDto[];

  @ApiPropertyOptional({ example: '2024-05-20T15:00:00Z' })
  @IsOptional() @IsInstant()
  decidedAt?: string;
}
