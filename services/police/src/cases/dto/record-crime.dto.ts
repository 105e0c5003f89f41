import { IsInstant, IsNotBlank, RefusesFreeText } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
  ArrayMaxSize,
  IsBoolean,
} from 'class-validator';
import { AGGRAVATED_OFFENCE_SECTIONS, type AggravatedOffenceSection } from '@hc/contracts';
import { HateCrimeFlagDto } from '@hc/service-kit';

export { HateCrimeFlagDto };

export class OffenceDto {
  @ApiProperty({ example: 'off-1', description: "The force's own id for the offence within the crime" })
  @IsString() @IsNotBlank() @Length(1, 100)
  offenceId!: string;

  @ApiProperty({ example: '105A', description: 'Home Office offence code' })
  @IsString() @IsNotBlank() @Length(1, 20)
  code!: string;

  @RefusesFreeText('the offence code says what the offence is')
  description?: unknown;

  @ApiPropertyOptional({ enum: AGGRAVATED_OFFENCE_SECTIONS, description: 'Crime and Disorder Act 1998 section, for a racially or religiously aggravated offence' })
  @IsOptional() @IsIn(AGGRAVATED_OFFENCE_SECTIONS)
  aggravatedUnder?: AggravatedOffenceSection;
}

export class RecordCrimeDto {
  @ApiProperty({ example: 'CR/0123456/24', description: "The force's crime reference; unique within the force" })
  @IsString() @IsNotBlank() @Length(1, 100)
  crimeReference!: string;

  @ApiProperty({ example: '01', description: 'Two-digit force code, as in the URN' })
  @Matches(/^\d{2}$/, { message: 'forceCode must be two digits' })
  forceCode!: string;

  @ApiPropertyOptional({ example: '2024-05-01T10:00:00Z', description: 'When the crime was recorded; defaults to now' })
  @IsOptional() @IsInstant()
  recordedAt?: string;

  @ApiProperty({ type: [OffenceDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => OffenceDto)
  offences!: OffenceDto[];

  @ApiPropertyOptional({ type: HateCrimeFlagDto, description: 'Absent when the crime is not flagged as a hate crime' })
  @IsOptional() @ValidateNested() @Type(() => HateCrimeFlagDto)
  hateCrime?: HateCrimeFlagDto;
}

export class IdentifySuspectDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Pseudonymous suspect id; generated when absent. Never a name.' })
  @IsOptional() @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'suspectId must be a UUID' })
  suspectId?: string;

  @ApiPropertyOptional({ example: '2024-05-03T09:00:00Z' })
  @IsOptional() @IsInstant()
  identifiedAt?: string;
}

export class ReferCaseDto {
  @ApiProperty({ example: '01/AB/12345/24', description: 'URN: force code, unit, serial, year' })
  @IsString() @MaxLength(20)
  @Matches(/^\d{2}\/[A-Z0-9]{2}\/\d{1,7}\/\d{2}$/, { message: 'urn must look like 01/AB/12345/24 (force code/unit/serial/year)' })
  urn!: string;

  @ApiProperty({ description: "Whether the victim's needs assessment went to the CPS with the file" })
  @IsBoolean()
  victimNeedsPassedOn!: boolean;

  @ApiPropertyOptional({ example: '2024-05-10T12:00:00Z' })
  @IsOptional() @IsInstant()
  referredAt?: string;
}
