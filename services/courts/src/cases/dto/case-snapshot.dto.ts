import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { FlagRecordDto, IsInstant } from '@hc/service-kit';
import { AcquittalDto, ConvictionDto, CrownCourtDto, ListingDto, PleaDto, SentenceDto, VictimInformedDto } from './court-result.dto';

/** One defendant as the court's system holds it tonight; each part is recorded once, when the court case lacks it. */
export class SnapshotCourtDefendantDto {
  @ApiProperty({ format: 'uuid', description: 'A defendant the CPS charged on the case' })
  @IsUUID()
  defendantId!: string;

  @ApiPropertyOptional({ type: FlagRecordDto, description: "The flag as the court's system holds it for the defendant: flagged with strands, no_flag, or not_hate_crime (with its reason, if any)" })
  @IsOptional() @ValidateNested() @Type(() => FlagRecordDto)
  flag?: FlagRecordDto;

  @ApiPropertyOptional({ type: ListingDto })
  @IsOptional() @ValidateNested() @Type(() => ListingDto)
  listing?: ListingDto;

  @ApiPropertyOptional({ type: CrownCourtDto })
  @IsOptional() @ValidateNested() @Type(() => CrownCourtDto)
  crownCourt?: CrownCourtDto;

  @ApiPropertyOptional({ type: PleaDto, description: 'The plea as it stands' })
  @IsOptional() @ValidateNested() @Type(() => PleaDto)
  plea?: PleaDto;

  @ApiPropertyOptional({ type: ConvictionDto })
  @IsOptional() @ValidateNested() @Type(() => ConvictionDto)
  conviction?: ConvictionDto;

  @ApiPropertyOptional({ type: AcquittalDto })
  @IsOptional() @ValidateNested() @Type(() => AcquittalDto)
  acquittal?: AcquittalDto;

  @ApiPropertyOptional({ type: SentenceDto, description: 'The sentence of each offence, with the uplift decision where the court recorded one (without one on a flagged case: recorded, with the warning no_uplift_decision)' })
  @IsOptional() @ValidateNested() @Type(() => SentenceDto)
  sentence?: SentenceDto;

  @ApiPropertyOptional({ type: [VictimInformedDto], description: 'Victims told of the outcome; a telling that newly explains the uplift decision is recorded' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => VictimInformedDto)
  victimsInformed?: VictimInformedDto[];
}

/**
 * The case as the court's system holds it tonight: one line of an extract
 * (`{"command":"CaseSnapshot","params":{"caseId":"..."},"body":{...}}`). What differs from the court
 * case is recorded as events, nothing when nothing changed; absent times default to `takenAt`.
 */
export class CourtCaseSnapshotDto {
  @ApiProperty({ type: [SnapshotCourtDefendantDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => SnapshotCourtDefendantDto)
  defendants!: SnapshotCourtDefendantDto[];

  @ApiPropertyOptional({ example: '2024-07-30T02:00:00Z', description: 'When the extract was taken: the time of every fact whose own time is absent; defaults to now' })
  @IsOptional() @IsInstant()
  takenAt?: string;
}
