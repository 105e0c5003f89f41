import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsNotBlank } from '@hc/service-kit';

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
