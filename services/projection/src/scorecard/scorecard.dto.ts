import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsNotBlank } from '@hc/service-kit';
import { PageLimit, PageOffset } from '../statistics/dto/statistics-query.dto';

export class ScorecardQueryDto {
  @ApiPropertyOptional({ example: '2018/19', description: "Financial year of recording, or 'all' (the default)" })
  @IsOptional() @Matches(/^(\d{4}\/\d{2}|all)$/, { message: "year must be a financial year such as 2018/19, or 'all'" })
  year?: string;
}

/** A person's judgement of a relationship's policy frameworks. */
export class FrameworkScoreDto {
  @ApiProperty({ minimum: 0, maximum: 3, description: 'The framework score, 0 to 3, as the Facing all the Facts grid defines it' })
  @Type(() => Number) @IsInt({ message: 'score must be a whole number from 0 to 3' }) @Min(0) @Max(3)
  score!: number;

  @ApiProperty({ maxLength: 2000, description: 'Why: the frameworks in place and the evidence the score rests on (no personal details)' })
  @IsNotBlank() @MaxLength(2000)
  reason!: string;
}

/** The rows behind an evidence figure. */
export class EvidenceCasesQueryDto extends ScorecardQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'true: the rows that show the action (the numerator); false: those that do not; left out: all the figure is a share of (the denominator)' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean({ message: 'showing must be true or false' })
  showing?: boolean;

  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}
