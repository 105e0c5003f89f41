import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, ValidateNested } from 'class-validator';
import {
  codesAnAgencySends,
  FLAG_HOLDINGS,
  NOT_HATE_CRIME_REASONS,
  HATE_CRIME_STRANDS,
  PERCEIVERS,
  RELIGION_TARGETED_GROUPS,
  type FlagHolding,
  type FlagRecord,
  type HateCrimeFlag,
  type HateCrimeStrand,
  type NotHateCrimeReason,
  type Perceiver,
  type ReligionTargetedGroup,
} from '@hc/contracts';
import { IsCode, IsInstant } from './validation';

/** The reasons an agency may give for a flag taken off or a case that is not a hate crime. */
export const REMOVAL_REASONS_SENT = codesAnAgencySends(NOT_HATE_CRIME_REASONS);

/** The hate crime flag as every agency sends it. */
export class HateCrimeFlagDto {
  @ApiProperty({ enum: HATE_CRIME_STRANDS, isArray: true, example: ['race'] })
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(HATE_CRIME_STRANDS, { each: true })
  strands!: HateCrimeStrand[];

  @ApiProperty({ enum: PERCEIVERS, isArray: true, example: ['victim'], description: 'Who perceived the hostility: the flag is perception-based' })
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(PERCEIVERS, { each: true })
  perceivedBy!: Perceiver[];

  @ApiPropertyOptional({ enum: RELIGION_TARGETED_GROUPS, description: 'Only with the religion strand' })
  @IsOptional() @IsIn(RELIGION_TARGETED_GROUPS)
  religionTargetedGroup?: ReligionTargetedGroup;
}

/**
 * The flag as the agency's own system holds it: a flag with its strands, no flag, or "not a hate
 * crime" with or without a reason. Recorded as the agency's fact; the flag audit judges it.
 */
export class FlagRecordDto {
  @ApiProperty({
    enum: FLAG_HOLDINGS,
    example: 'flagged',
    description:
      'flagged: the record holds the flag in hateCrime; no_flag: it holds none (never keyed in, or dropped); ' +
      'not_hate_crime: it says the case is not a hate crime, with the reason when it has one (without one, the audit counts a lost flag)',
  })
  @IsIn(FLAG_HOLDINGS)
  holds!: FlagHolding;

  @ApiPropertyOptional({ type: HateCrimeFlagDto, description: 'Exactly when holds is flagged' })
  @IsOptional() @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime?: HateCrimeFlagDto;

  @ApiPropertyOptional({
    enum: REMOVAL_REASONS_SENT,
    example: 'no_hostility_on_evidence',
    description: "Only with not_hate_crime: why, as a code (the agency's own words stay in its own system)",
  })
  @IsOptional() @IsCode(REMOVAL_REASONS_SENT)
  reason?: NotHateCrimeReason;
}

/** A flag record with a time, as the REST endpoints take it. */
export class RecordFlagDto extends FlagRecordDto {
  @ApiPropertyOptional({ example: '2024-05-23T02:00:00Z', description: 'When the record was taken (e.g. the extract time); defaults to now' })
  @IsOptional() @IsInstant()
  recordedAt?: string;
}

/** A plain flag for the decider and the event, without the DTO's class (and without absent fields). */
export function flagOf(dto: HateCrimeFlagDto): HateCrimeFlag {
  return {
    strands: [...dto.strands],
    perceivedBy: [...dto.perceivedBy],
    ...(dto.religionTargetedGroup ? { religionTargetedGroup: dto.religionTargetedGroup } : {}),
  };
}

/** A plain flag record (the decider checks that it is consistent). */
export function flagRecordOf(dto: FlagRecordDto): FlagRecord {
  return {
    holds: dto.holds,
    ...(dto.hateCrime ? { hateCrime: flagOf(dto.hateCrime) } : {}),
    ...(dto.reason !== undefined ? { reason: dto.reason } : {}),
  };
}
