import { IsCode, IsInstant, REMOVAL_REASONS_SENT } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { HateCrimeFlagDto } from '@hc/service-kit';
import { codesAnAgencySends, FLAG_APPLIED_REASONS, type FlagAppliedReason, type NotHateCrimeReason } from '@hc/contracts';


export class ConfirmFlagDto {
  @ApiPropertyOptional({
    type: HateCrimeFlagDto,
    description: 'The flag as the CPS keeps it, when its strands, perceivers or religion targeted group differ from the flag received; absent to keep the flag exactly as received',
  })
  @IsOptional() @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime?: HateCrimeFlagDto;

  @ApiPropertyOptional({ example: '2024-05-22T10:00:00Z', description: 'When the CPS reviewed the flag; defaults to now' })
  @IsOptional() @IsInstant()
  confirmedAt?: string;
}

export class ApplyFlagDto {
  @ApiProperty({ type: HateCrimeFlagDto })
  @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime!: HateCrimeFlagDto;

  @ApiProperty({
    enum: codesAnAgencySends(FLAG_APPLIED_REASONS),
    example: 'perceived_by_victim',
    description: "Why the CPS flags a case the police did not, as a code (CPS case management keeps its own words)",
  })
  @IsCode(codesAnAgencySends(FLAG_APPLIED_REASONS))
  reason!: FlagAppliedReason;

  @ApiPropertyOptional({ example: '2024-05-22T10:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  appliedAt?: string;
}

export class RemoveFlagDto {
  @ApiPropertyOptional({
    enum: REMOVAL_REASONS_SENT,
    example: 'no_hostility_on_evidence',
    description: 'Why the flag is removed, as a code. Without one (a legacy record), the removal is recorded as the CPS record holding no flag, which the audit counts as a lost flag; the answer warns of it',
  })
  @IsOptional() @IsCode(REMOVAL_REASONS_SENT)
  reason?: NotHateCrimeReason;

  @ApiPropertyOptional({ example: '2024-05-22T10:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  removedAt?: string;
}
