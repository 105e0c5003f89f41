import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsOptional, Matches, ValidateNested } from 'class-validator';
import { FlagRecordDto, IsInstant } from '@hc/service-kit';
import { AssignPoliceOutcomeDto } from './police-outcome.dto';
import { IdentifySuspectDto, RecordCrimeDto, ReferCaseDto } from './record-crime.dto';
import { AssessVictimNeedsDto } from './victim-needs.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SnapshotSuspectDto extends OmitType(IdentifySuspectDto, ['suspectId'] as const) {
  @ApiProperty({ format: 'uuid', description: "The force's pseudonymous suspect id: the same every night, so a suspect is identified once" })
  @Matches(UUID, { message: 'suspectId must be a UUID' })
  suspectId!: string;
}

export class SnapshotVictimDto extends OmitType(AssessVictimNeedsDto, ['victimId'] as const) {
  @ApiProperty({ format: 'uuid', description: "The force's pseudonymous victim id: the same every night; a changed assessment is recorded as a new one" })
  @Matches(UUID, { message: 'victimId must be a UUID' })
  victimId!: string;
}

/**
 * The case as the force's records system holds it tonight: one line of a nightly extract
 * (`{"command":"CaseSnapshot","body":{...}}`). The service records as events what differs from
 * what it holds, and nothing when nothing changed; absent times default to `takenAt`.
 */
export class PoliceCaseSnapshotDto extends OmitType(RecordCrimeDto, ['hateCrime'] as const) {
  @ApiProperty({ type: FlagRecordDto, description: 'The flag as the force holds it tonight: flagged with its strands, no_flag, or not_hate_crime (with the reason, if the record has one)' })
  @IsDefined() @ValidateNested() @Type(() => FlagRecordDto)
  flag!: FlagRecordDto;

  @ApiPropertyOptional({ type: [SnapshotSuspectDto], description: 'Every suspect identified; a suspect the pipeline holds and the line omits stays on the case (with a warning)' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => SnapshotSuspectDto)
  suspects?: SnapshotSuspectDto[];

  @ApiPropertyOptional({ type: [SnapshotVictimDto], description: "Each victim's latest needs assessment" })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => SnapshotVictimDto)
  victims?: SnapshotVictimDto[];

  @ApiPropertyOptional({ type: ReferCaseDto, description: 'The referral to the CPS, once the case was referred' })
  @IsOptional() @ValidateNested() @Type(() => ReferCaseDto)
  referral?: ReferCaseDto;

  @ApiPropertyOptional({ type: AssignPoliceOutcomeDto, description: 'The Home Office outcome, once assigned (final: another one than the one held is refused)' })
  @IsOptional() @ValidateNested() @Type(() => AssignPoliceOutcomeDto)
  outcome?: AssignPoliceOutcomeDto;

  @ApiPropertyOptional({ example: '2024-05-23T02:00:00Z', description: 'When the extract was taken: the time of every fact whose own time is absent; defaults to now' })
  @IsOptional() @IsInstant()
  takenAt?: string;
}
