import { IsCode, IsInstant, REMOVAL_REASONS_SENT } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsOptional, ValidateNested } from 'class-validator';
import {
  codesAnAgencySends,
  FLAG_APPLIED_REASONS,
  FLAG_CHANGED_REASONS,
  type FlagAppliedReason,
  type FlagChangedReason,
  type NotHateCrimeReason,
} from '@hc/contracts';
import { HateCrimeFlagDto } from './record-crime.dto';

const REASON_DESCRIPTION =
  "Why the flag is applied, changed or removed, as a code; it travels with the event so that an inspector can tell a decision from a loss. The force's own words stay in its own system.";

export class ApplyHateCrimeFlagDto {
  @ApiProperty({ type: HateCrimeFlagDto, description: 'The flag to put on a crime recorded without one' })
  @IsDefined() @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime!: HateCrimeFlagDto;

  @ApiProperty({ enum: codesAnAgencySends(FLAG_APPLIED_REASONS), example: 'perceived_by_victim', description: REASON_DESCRIPTION })
  @IsCode(codesAnAgencySends(FLAG_APPLIED_REASONS))
  reason!: FlagAppliedReason;

  @ApiPropertyOptional({ example: '2024-05-06T10:00:00Z', description: 'When the flag was applied; defaults to now' })
  @IsOptional() @IsInstant()
  appliedAt?: string;
}

export class ChangeHateCrimeFlagDto {
  @ApiProperty({ type: HateCrimeFlagDto, description: 'The whole flag as it should now stand (strands, perceivers, religion targeted group)' })
  @IsDefined() @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime!: HateCrimeFlagDto;

  @ApiProperty({ enum: codesAnAgencySends(FLAG_CHANGED_REASONS), example: 'strands_reassessed', description: REASON_DESCRIPTION })
  @IsCode(codesAnAgencySends(FLAG_CHANGED_REASONS))
  reason!: FlagChangedReason;

  @ApiPropertyOptional({ example: '2024-05-08T10:00:00Z', description: 'When the flag was changed; defaults to now' })
  @IsOptional() @IsInstant()
  changedAt?: string;
}

export class RemoveHateCrimeFlagDto {
  @ApiPropertyOptional({
    enum: REMOVAL_REASONS_SENT,
    example: 'perception_withdrawn',
    description:
      "Why the flag is removed, as a code. Without one (a legacy record), the removal is recorded as the force's record dropping the flag, which the audit counts as a lost flag at the referral; the answer warns of it",
  })
  @IsOptional() @IsCode(REMOVAL_REASONS_SENT)
  reason?: NotHateCrimeReason;

  @ApiPropertyOptional({ example: '2024-05-09T10:00:00Z', description: 'When the flag was removed; defaults to now' })
  @IsOptional() @IsInstant()
  removedAt?: string;
}
