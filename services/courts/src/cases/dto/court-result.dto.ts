import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import {
  CONVICTION_BASES,
  COURT_TYPES,
  HATE_CRIME_STRANDS,
  UPLIFT_PROVISIONS,
  type ConvictionBasis,
  type CourtType,
  type HateCrimeStrand,
  type UpliftProvision,
} from '@hc/contracts';

export class ConvictionDto {
  @ApiProperty({ enum: CONVICTION_BASES })
  @IsIn(CONVICTION_BASES)
  basis!: ConvictionBasis;

  @ApiProperty({ enum: COURT_TYPES })
  @IsIn(COURT_TYPES)
  courtType!: CourtType;

  @ApiPropertyOptional({ example: '2024-07-01T10:30:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  convictedAt?: string;
}

export class UpliftDecisionDto {
  @ApiProperty({ description: 'Whether the sentence was increased for hostility' })
  @IsBoolean()
  applied!: boolean;

  @ApiProperty({ enum: UPLIFT_PROVISIONS, description: 'Sentencing Act 2020 s.66, or CJA 2003 s.145/s.146 for older offences' })
  @IsIn(UPLIFT_PROVISIONS)
  provision!: UpliftProvision;

  @ApiProperty({ description: 'The court stated in open court that the offence was aggravated by hostility' })
  @IsBoolean()
  statedInOpenCourt!: boolean;

  @ApiProperty({ enum: HATE_CRIME_STRANDS, isArray: true, example: ['race'] })
  @IsArray() @ArrayUnique() @IsIn(HATE_CRIME_STRANDS, { each: true })
  strandsRecognised!: HateCrimeStrand[];

  @ApiPropertyOptional({ description: 'Required when the uplift was not applied' })
  @IsOptional() @IsString() @Length(1, 500)
  reasonNotApplied?: string;
}

export class SentenceDto {
  @ApiProperty({ enum: COURT_TYPES })
  @IsIn(COURT_TYPES)
  courtType!: CourtType;

  @ApiProperty({ example: '12 weeks custody suspended for 12 months' })
  @IsString() @Length(1, 500)
  sentence!: string;

  @ApiPropertyOptional({ type: UpliftDecisionDto, description: 'Required for a flagged case, refused for an unflagged one' })
  @IsOptional() @ValidateNested() @Type(() => UpliftDecisionDto)
  uplift?: UpliftDecisionDto;

  @ApiPropertyOptional({ example: '2024-08-01T14:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  sentencedAt?: string;
}
