import { ApiProperty } from '@nestjs/swagger';
import { BOUNDARIES, FINDING_TYPES, type Boundary, type FindingType } from '@hc/contracts';

/** A fact accepted although it should not have happened (docs/agency-rules.md lists every one). */
export class WarningDto {
  @ApiProperty({ example: 'no_uplift_decision', description: 'The rule, as an error code names one' })
  code!: string;

  @ApiProperty({ enum: FINDING_TYPES, nullable: true, example: 'no_uplift_decision', description: 'The flag audit finding this fact raises; null when it raises none' })
  finding!: FindingType | null;

  @ApiProperty({ enum: BOUNDARIES, nullable: true, example: 'conviction_to_sentence' })
  boundary!: Boundary | null;

  @ApiProperty({ description: 'What was recorded and why it matters' })
  message!: string;

  @ApiProperty({ description: 'What the agency can do to put it right' })
  remedy!: string;
}

/** What every accepted command answers, besides the ids it names (caseId, defendantId, ...). */
export class CommandAnswer {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ description: 'Version of the case stream after the command' })
  version!: number;

  @ApiProperty({ type: [String], example: ['DefendantSentenced'], description: 'The events recorded, in order; none when the agency already held what was sent' })
  events!: string[];

  @ApiProperty({ type: [WarningDto], description: 'Facts recorded although they should not have happened: each names the audit finding it raises and the remedy' })
  warnings!: WarningDto[];
}
