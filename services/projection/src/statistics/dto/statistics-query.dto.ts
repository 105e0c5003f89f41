import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Equals, IsBoolean, IsEmpty, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { FORCE_CODES, HATE_CRIME_STRANDS } from '@hc/contracts';
import { BOUNDARIES, FINDING_TYPES } from '../../journey/flag-audit';

export const STRAND_FILTERS = ['all', ...HATE_CRIME_STRANDS] as const;
export const COURT_TYPE_FILTERS = ['all', 'magistrates', 'crown', 'none'] as const;
export const FORMATS = ['json', 'csv'] as const;

/**
 * The disclosure threshold is the service's (DISCLOSURE_THRESHOLD), one for every public output:
 * a threshold chosen per request would let a reader difference two releases. Asking for one is
 * refused, so a caller never believes it got what it asked for.
 */
function FixedThreshold(): PropertyDecorator {
  const decorators = [
    ApiPropertyOptional({
      deprecated: true,
      description: 'Refused (400): published figures withhold counts under the threshold fixed by the service (DISCLOSURE_THRESHOLD, default 10), the same for every request',
    }),
    IsOptional(),
    IsEmpty({ message: 'threshold cannot be chosen: published figures use the threshold fixed by the service (DISCLOSURE_THRESHOLD) for every request' }),
  ];
  return (target, property) => decorators.forEach((decorator) => decorator(target, property));
}

/** A page of a case list: `limit` rows (1,000 by default, 100,000 at most)... */
export function PageLimit(): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ type: Number, default: 1000, maximum: 100000 }), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(100000));
}

/** ...from row `offset` (0 by default). */
export function PageOffset(): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ type: Number, default: 0, maximum: 1000000000 }), IsOptional(), Type(() => Number), IsInt(), Min(0), Max(1_000_000_000));
}

/** `true`/`false` in a query string; anything else stays as given, for the validator to refuse. */
const booleanFromQuery = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class OutputFormatDto {
  @ApiPropertyOptional({ enum: FORMATS, description: 'csv for a CSV table (also chosen by Accept: text/csv); json by default' })
  @IsOptional() @IsIn(FORMATS)
  format?: (typeof FORMATS)[number];
}

/** Filters shared by every statistic. A filter left out returns every value of its slice, totals ('all') included. */
export class StatisticsFilterDto extends OutputFormatDto {
  @ApiPropertyOptional({ example: '2018/19', description: "Financial year of recording, April to March, or 'all' for the total over years" })
  @IsOptional() @Matches(/^(\d{4}\/\d{2}|all|unknown)$/, { message: "year must be a financial year such as 2018/19, or 'all'" })
  year?: string;

  @ApiPropertyOptional({ enum: STRAND_FILTERS, description: "A strand, or 'all' (a multi-strand case counts once in 'all' and once in each of its strands)" })
  @IsOptional() @IsIn(STRAND_FILTERS)
  strand?: (typeof STRAND_FILTERS)[number];

  @ApiPropertyOptional({ example: '01', description: "Two-digit force code, or 'all'" })
  @IsOptional() @IsIn(['all', ...FORCE_CODES], { message: "force must be the two-digit code of a force of England and Wales, or 'all'" })
  force?: string;

  @ApiPropertyOptional({ example: 'London North', description: "CPS area, or 'all'" })
  @IsOptional() @Matches(/^[A-Za-z][A-Za-z -]{1,60}$/, { message: "cpsArea must be the name of a CPS area, or 'all'" })
  cpsArea?: string;
}

/** Statistics for publication: small counts are withheld. */
export class PublicOutputDto extends StatisticsFilterDto {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'Apply statistical disclosure control: counts under the service\'s threshold (DISCLOSURE_THRESHOLD, default 10) are withheld, with whatever else in any public table would reveal them',
  })
  @IsOptional() @Transform(booleanFromQuery) @IsBoolean({ message: 'public must be true or false' })
  public?: boolean;

  @FixedThreshold()
  threshold?: never;
}

export class SlicedStatisticsQueryDto extends PublicOutputDto {
  @ApiPropertyOptional({ enum: COURT_TYPE_FILTERS, description: "Crown if a defendant of the case went to the Crown Court, magistrates if one reached a court, none if none did; or 'all'" })
  @IsOptional() @IsIn(COURT_TYPE_FILTERS)
  courtType?: (typeof COURT_TYPE_FILTERS)[number];
}

export class FlagRetentionQueryDto extends PublicOutputDto {
  @ApiPropertyOptional({ enum: BOUNDARIES })
  @IsOptional() @IsIn(BOUNDARIES)
  boundary?: (typeof BOUNDARIES)[number];
}

export class AttritionByStrandQueryDto extends OutputFormatDto {
  @ApiPropertyOptional({ type: Boolean, description: 'Apply statistical disclosure control' })
  @IsOptional() @Transform(booleanFromQuery) @IsBoolean({ message: 'public must be true or false' })
  public?: boolean;

  @FixedThreshold()
  threshold?: never;
}

/** The filters of the flag audit's findings: the slices of their case, the boundary and the finding. */
export class FlagAuditFilterDto extends StatisticsFilterDto {
  @ApiPropertyOptional({ enum: COURT_TYPE_FILTERS })
  @IsOptional() @IsIn(COURT_TYPE_FILTERS)
  courtType?: (typeof COURT_TYPE_FILTERS)[number];

  @ApiPropertyOptional({ enum: BOUNDARIES })
  @IsOptional() @IsIn(BOUNDARIES)
  boundary?: (typeof BOUNDARIES)[number];

  @ApiPropertyOptional({ enum: FINDING_TYPES })
  @IsOptional() @IsIn(FINDING_TYPES)
  finding?: (typeof FINDING_TYPES)[number];

  @ApiPropertyOptional({ type: Boolean, description: 'The flag audit lists cases: it is never public' })
  @IsOptional() @Transform(booleanFromQuery)
  @Equals(false, { message: 'the flag audit lists cases and is never public: publish /statistics/flag-retention?public=true instead' })
  public?: boolean;
}

export class FlagAuditQueryDto extends FlagAuditFilterDto {
  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}

/** A file review's sample: N cases drawn at random for each finding, the same N for the same seed and filters. */
export class FlagAuditSampleQueryDto extends FlagAuditFilterDto {
  @ApiProperty({ example: '2026-Q3-review', description: 'Any text of 1 to 64 letters, digits, dots, dashes and underscores: the same seed and filters draw the same cases' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'seed must be 1 to 64 letters, digits, dots, dashes or underscores' })
  seed!: string;

  @ApiPropertyOptional({ type: Number, default: 10, minimum: 1, maximum: 500, description: 'Cases drawn for each boundary and finding (all of them where there are fewer)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  perFinding?: number;
}

/** The slice of one count whose case rows an inspector opens: every slice column given, or its total. */
export class CasesBehindQueryDto extends StatisticsFilterDto {
  @ApiPropertyOptional({ enum: COURT_TYPE_FILTERS })
  @IsOptional() @IsIn(COURT_TYPE_FILTERS)
  courtType?: (typeof COURT_TYPE_FILTERS)[number];

  @ApiPropertyOptional({ enum: BOUNDARIES, description: 'Flag retention only (and required there): the boundary of the count' })
  @IsOptional() @IsIn(BOUNDARIES)
  boundary?: (typeof BOUNDARIES)[number];

  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}
