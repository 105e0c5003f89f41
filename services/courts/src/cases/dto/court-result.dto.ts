import { IsCode, IsInstant, IsNotBlank, RefusesFreeText } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import {
  codesAnAgencySends,
  SENTENCE_TYPES,
  UPLIFT_NOT_APPLIED_REASONS,
  type SentenceType,
  type UpliftNotAppliedReason,
  ACQUITTAL_BASES,
  CONVICTION_BASES,
  COURT_TYPES,
  HATE_CRIME_STRANDS,
  PLEAS,
  UPLIFT_PROVISIONS,
  type AcquittalBasis,
  type ConvictionBasis,
  type CourtType,
  type HateCrimeStrand,
  type Plea,
  type UpliftProvision,
} from '@hc/contracts';

const COURT_CODE = /^[A-Z0-9]{3,10}$/;
const COURT_CODE_MESSAGE = 'must be an HMCTS court code of 3-10 capital letters and digits, e.g. B01LY00';

export class ListingDto {
  @ApiProperty({ example: 'B01LY00', description: "HMCTS code of the magistrates' court of the first hearing" })
  @Matches(COURT_CODE, { message: `courtCode ${COURT_CODE_MESSAGE}` })
  courtCode!: string;

  @ApiProperty({ example: '2024-06-17', description: 'Date of the first hearing (YYYY-MM-DD)' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'hearingDate must be a date as YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  hearingDate!: string;

  @ApiPropertyOptional({ example: '2024-06-04T09:00:00Z', description: 'When the case was listed; defaults to now' })
  @IsOptional() @IsInstant()
  listedAt?: string;
}

export class CrownCourtDto {
  @ApiProperty({ example: 'T20247001', description: 'HMCTS code of the Crown Court the defendant is sent (or committed for sentence) to' })
  @Matches(COURT_CODE, { message: `crownCourtCode ${COURT_CODE_MESSAGE}` })
  crownCourtCode!: string;

  @ApiPropertyOptional({ example: '2024-06-17T11:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  sentAt?: string;
}

export class PleaDto {
  @ApiProperty({ enum: PLEAS })
  @IsIn(PLEAS)
  plea!: Plea;

  @ApiProperty({ enum: COURT_TYPES, description: "The court the plea was entered at: magistrates' unless the defendant was sent to the Crown Court" })
  @IsIn(COURT_TYPES)
  courtType!: CourtType;

  @ApiPropertyOptional({ example: '2024-06-17T10:15:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  enteredAt?: string;
}

export class ConvictionDto {
  @ApiProperty({ enum: CONVICTION_BASES })
  @IsIn(CONVICTION_BASES)
  basis!: ConvictionBasis;

  @ApiProperty({ enum: COURT_TYPES, description: "magistrates' unless the defendant was sent to the Crown Court" })
  @IsIn(COURT_TYPES)
  courtType!: CourtType;

  @ApiPropertyOptional({ example: '2024-07-01T10:30:00Z', description: 'Defaults to now; decides which uplift provision applies' })
  @IsOptional() @IsInstant()
  convictedAt?: string;
}

export class AcquittalDto {
  @ApiProperty({ enum: ACQUITTAL_BASES })
  @IsIn(ACQUITTAL_BASES)
  basis!: AcquittalBasis;

  @ApiProperty({ enum: COURT_TYPES, description: "magistrates' unless the defendant was sent to the Crown Court" })
  @IsIn(COURT_TYPES)
  courtType!: CourtType;

  @ApiPropertyOptional({ example: '2024-07-01T16:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  acquittedAt?: string;
}

export class UpliftDecisionDto {
  @ApiProperty({ type: Boolean, description: 'Whether the sentence was increased for hostility' })
  @IsBoolean()
  applied!: boolean;

  @ApiProperty({
    enum: UPLIFT_PROVISIONS,
    description: 'SA2020_s66 for convictions on or after 2020-12-01; CJA2003_s145 (race, religion) or CJA2003_s146 (sexual orientation, disability, transgender) before',
  })
  @IsIn(UPLIFT_PROVISIONS)
  provision!: UpliftProvision;

  @ApiProperty({ type: Boolean, description: 'The court stated in open court that the offence was aggravated by hostility' })
  @IsBoolean()
  statedInOpenCourt!: boolean;

  @ApiProperty({ enum: HATE_CRIME_STRANDS, isArray: true, example: ['race'] })
  @IsArray() @ArrayUnique() @IsIn(HATE_CRIME_STRANDS, { each: true })
  strandsRecognised!: HateCrimeStrand[];

  @ApiPropertyOptional({
    enum: codesAnAgencySends(UPLIFT_NOT_APPLIED_REASONS),
    example: 'hostility_not_proved',
    description: "Expected when the uplift was not applied: why, as a code (the court's words stay in its own system)",
  })
  @IsOptional() @IsCode(codesAnAgencySends(UPLIFT_NOT_APPLIED_REASONS))
  reasonNotApplied?: UpliftNotAppliedReason;
}

export class OffenceSentenceDto {
  @ApiProperty({ example: 'off-1', description: 'The offenceId of one of the charges the CPS sent' })
  @IsString() @IsNotBlank() @Length(1, 100)
  offenceId!: string;

  @ApiProperty({
    enum: codesAnAgencySends(SENTENCE_TYPES),
    example: 'suspended_sentence',
    description: "The disposal for the offence, in the Ministry of Justice's sentence categories; its terms stay in the court's own system",
  })
  @IsCode(codesAnAgencySends(SENTENCE_TYPES))
  sentenceType!: SentenceType;

  @RefusesFreeText('send sentenceType, the disposal as a code')
  sentence?: unknown;

  @ApiPropertyOptional({ type: UpliftDecisionDto, description: 'Required in a flagged case, refused in an unflagged one' })
  @IsOptional() @ValidateNested() @Type(() => UpliftDecisionDto)
  uplift?: UpliftDecisionDto;
}

export class SentenceDto {
  @ApiProperty({ enum: COURT_TYPES, description: "The sentencing court: magistrates' unless the defendant was sent (or committed) to the Crown Court" })
  @IsIn(COURT_TYPES)
  courtType!: CourtType;

  @ApiProperty({ type: [OffenceSentenceDto], description: 'One entry per charged offence, each with its uplift decision' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100)
  @ArrayUnique((offence: OffenceSentenceDto) => offence?.offenceId, { message: 'offences must name each offenceId once' })
  @ValidateNested({ each: true }) @Type(() => OffenceSentenceDto)
  offences!: OffenceSentenceDto[];

  @ApiPropertyOptional({ example: '2024-08-01T14:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  sentencedAt?: string;
}

export class VictimInformedDto {
  @ApiProperty({ format: 'uuid', description: 'The pseudonymous victim id the police assessed the needs of' })
  @IsUUID()
  victimId!: string;

  @ApiProperty({ type: Boolean, description: 'The victim was told the sentence was uplifted for hostility (only after an uplift was applied)' })
  @IsBoolean()
  upliftExplained!: boolean;

  @ApiPropertyOptional({ example: '2024-08-02T09:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  informedAt?: string;
}
