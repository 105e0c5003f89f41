import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import {
  HATE_CRIME_STRANDS,
  PERCEIVERS,
  RELIGION_TARGETED_GROUPS,
  type HateCrimeStrand,
  type Perceiver,
  type ReligionTargetedGroup,
} from '@hc/contracts';

export class HateCrimeFlagDto {
  @ApiProperty({ enum: HATE_CRIME_STRANDS, isArray: true, example: ['race', 'religion'] })
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(HATE_CRIME_STRANDS, { each: true })
  strands!: HateCrimeStrand[];

  @ApiProperty({ enum: PERCEIVERS, isArray: true, example: ['victim'], description: 'Who perceived the hostility: the flag is perception-based' })
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(PERCEIVERS, { each: true })
  perceivedBy!: Perceiver[];

  @ApiPropertyOptional({ enum: RELIGION_TARGETED_GROUPS, description: 'Only with the religion strand' })
  @IsOptional() @IsIn(RELIGION_TARGETED_GROUPS)
  religionTargetedGroup?: ReligionTargetedGroup;
}

export class ConfirmFlagDto {
  @ApiPropertyOptional({
    type: HateCrimeFlagDto,
    description: 'The flag as the CPS keeps it, when its strands, perceivers or religion targeted group differ from the flag received; absent to keep the flag exactly as received',
  })
  @IsOptional() @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime?: HateCrimeFlagDto;

  @ApiPropertyOptional({ example: '2024-05-22T10:00:00Z', description: 'When the CPS reviewed the flag; defaults to now' })
  @IsOptional() @IsISO8601({ strict: true })
  confirmedAt?: string;
}

export class ApplyFlagDto {
  @ApiProperty({ type: HateCrimeFlagDto })
  @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime!: HateCrimeFlagDto;

  @ApiProperty({ example: 'Hostility towards the victim\'s disability disclosed in the victim personal statement', description: 'Why the CPS flags a case the police did not; must not be blank' })
  @IsString() @MaxLength(1000)
  reason!: string;

  @ApiPropertyOptional({ example: '2024-05-22T10:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsISO8601({ strict: true })
  appliedAt?: string;
}

export class RemoveFlagDto {
  @ApiProperty({ example: 'No evidence of hostility: the dispute was about a debt', description: 'Why the flag is removed; must not be blank, so a removal is never counted as a loss' })
  @IsString() @MaxLength(1000)
  reason!: string;

  @ApiPropertyOptional({ example: '2024-05-22T10:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsISO8601({ strict: true })
  removedAt?: string;
}
