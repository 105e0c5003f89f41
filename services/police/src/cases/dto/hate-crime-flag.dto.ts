import { IsInstant } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { HateCrimeFlagDto } from './record-crime.dto';

const REASON_DESCRIPTION =
  'Why the flag is applied, changed or removed; it travels with the event so that an inspector can tell a decision from a loss. Must not be blank.';

export class ApplyHateCrimeFlagDto {
  @ApiProperty({ type: HateCrimeFlagDto, description: 'The flag to put on a crime recorded without one' })
  @IsDefined() @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime!: HateCrimeFlagDto;

  @ApiProperty({ example: 'Victim disclosed homophobic abuse in a later statement', maxLength: 1000, description: REASON_DESCRIPTION })
  @IsString() @MaxLength(1000)
  reason!: string;

  @ApiPropertyOptional({ example: '2024-05-06T10:00:00Z', description: 'When the flag was applied; defaults to now' })
  @IsOptional() @IsInstant()
  appliedAt?: string;
}

export class ChangeHateCrimeFlagDto {
  @ApiProperty({ type: HateCrimeFlagDto, description: 'The whole flag as it should now stand (strands, perceivers, religion targeted group)' })
  @IsDefined() @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime!: HateCrimeFlagDto;

  @ApiProperty({ example: 'Investigation found the abuse was also anti-Muslim', maxLength: 1000, description: REASON_DESCRIPTION })
  @IsString() @MaxLength(1000)
  reason!: string;

  @ApiPropertyOptional({ example: '2024-05-08T10:00:00Z', description: 'When the flag was changed; defaults to now' })
  @IsOptional() @IsInstant()
  changedAt?: string;
}

export class RemoveHateCrimeFlagDto {
  @ApiPropertyOptional({
    example: 'Victim withdrew the allegation of hostility; no other person perceived it',
    maxLength: 1000,
    description:
      'Why the flag is removed. Without one (a legacy record), the removal is recorded as the force\'s record dropping the flag, which the audit counts as a lost flag at the referral; the answer warns of it',
  })
  @IsOptional() @IsString() @MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ example: '2024-05-09T10:00:00Z', description: 'When the flag was removed; defaults to now' })
  @IsOptional() @IsInstant()
  removedAt?: string;
}
