import { IsInstant } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { HateCrimeFlagDto } from '@hc/service-kit';


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

  @ApiProperty({ example: 'Hostility towards the victim\'s disability disclosed in the victim personal statement', description: 'Why the CPS flags a case the police did not; must not be blank' })
  @IsString() @MaxLength(1000)
  reason!: string;

  @ApiPropertyOptional({ example: '2024-05-22T10:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  appliedAt?: string;
}

export class RemoveFlagDto {
  @ApiPropertyOptional({
    example: 'No evidence of hostility: the dispute was about a debt',
    description: 'Why the flag is removed. Without one (a legacy record), the removal is recorded as the CPS record holding no flag, which the audit counts as a lost flag; the answer warns of it',
  })
  @IsOptional() @IsString() @MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ example: '2024-05-22T10:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  removedAt?: string;
}
