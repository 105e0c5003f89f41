import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { FlagRecordDto, IsInstant } from '@hc/service-kit';
import { CompletionDto } from './completion.dto';
import { PreChargeDecisionDto } from './pre-charge-decision.dto';
import { SpecialMeasuresDto } from './special-measures.dto';

export class SnapshotDefendantDto {
  @ApiProperty({ format: 'uuid', description: 'A defendant the police referred on the case' })
  @IsUUID()
  defendantId!: string;

  @ApiPropertyOptional({ type: PreChargeDecisionDto, description: 'The pre-charge decision, once made (a charge may follow a reviewed decision not to charge)' })
  @IsOptional() @ValidateNested() @Type(() => PreChargeDecisionDto)
  decision?: PreChargeDecisionDto;

  @ApiPropertyOptional({
    type: CompletionDto,
    description: "The completed prosecution, once completed; a court outcome is recorded from the court's result, so here it is only compared",
  })
  @IsOptional() @ValidateNested() @Type(() => CompletionDto)
  completion?: CompletionDto;
}

/**
 * The case as CPS case management holds it tonight: one line of an extract
 * (`{"command":"CaseSnapshot","params":{"caseId":"..."},"body":{...}}`). What differs from the CPS
 * case is recorded as events, nothing when nothing changed; absent times default to `takenAt`.
 */
export class CpsCaseSnapshotDto {
  @ApiProperty({ type: FlagRecordDto, description: 'The flag as case management holds it tonight: flagged with its strands, no_flag, or not_hate_crime (with its reason, if any)' })
  @IsDefined() @ValidateNested() @Type(() => FlagRecordDto)
  flag!: FlagRecordDto;

  @ApiPropertyOptional({ type: [SnapshotDefendantDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => SnapshotDefendantDto)
  defendants?: SnapshotDefendantDto[];

  @ApiPropertyOptional({ type: [SpecialMeasuresDto], description: 'Special measures applied for, per victim; only those not yet recorded are recorded' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => SpecialMeasuresDto)
  specialMeasures?: SpecialMeasuresDto[];

  @ApiPropertyOptional({ example: '2024-05-23T02:00:00Z', description: 'When the extract was taken: the time of every fact whose own time is absent; defaults to now' })
  @IsOptional() @IsInstant()
  takenAt?: string;
}
