import { Roles } from '@hc/service-kit';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Row } from '../disclosure/public-table';
import { AttritionByStrandQueryDto, FlagRetentionQueryDto, SlicedStatisticsQueryDto } from './dto/statistics-query.dto';
import { respond } from './respond';
import { ATTRITION_BY_STRAND, ATTRITION_FUNNEL, FLAG_RETENTION, OUTCOME_RATES, TIMELINESS, type StatisticsTable } from './statistics-tables';
import { StatisticsService, type StatisticsRequest } from './statistics.service';

const ROWS = 'Rows of the analytics view, one per slice (a filter left out returns every value of its slice, totals included as "all"). With public=true, withheld cells are null and listed in `suppressed`; in CSV they read [c]; the headers Disclosure-Threshold and Statistics-Refreshed-At name the release.';

/**
 * Analysts' statistics over the `analytics` views, as JSON or CSV, filtered by slice, and for
 * publication with disclosure control (public=true).
 */
@ApiTags('statistics')
@ApiProduces('application/json', 'text/csv')
@ApiBadRequestResponse({ description: 'A filter is invalid; every bad field is named.' })
@ApiServiceUnavailableResponse({ description: 'The read model is still being built and no version is published yet.' })
@Roles('analyst', 'inspector')
@Controller('statistics')
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get('attrition-funnel')
  @ApiOperation({ summary: 'Cases and defendants reaching each stage, recorded to uplift announced (analytics.attrition_funnel)' })
  @ApiOkResponse({ description: ROWS })
  attritionFunnel(@Query() query: SlicedStatisticsQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.table(ATTRITION_FUNNEL, query, request, response);
  }

  @Get('outcome-rates')
  @ApiOperation({ summary: 'Charge, conviction, guilty plea, uplift and police charge rates with numerators and denominators (analytics.outcome_rates)' })
  @ApiOkResponse({ description: ROWS })
  outcomeRates(@Query() query: SlicedStatisticsQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.table(OUTCOME_RATES, query, request, response);
  }

  @Get('flag-retention')
  @ApiOperation({ summary: 'At each stage boundary, cases flagged upstream and the share that kept the flag (analytics.flag_retention)' })
  @ApiOkResponse({ description: ROWS })
  flagRetention(@Query() query: FlagRetentionQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.table(FLAG_RETENTION, query, request, response);
  }

  @Get('timeliness')
  @ApiOperation({ summary: "Median and 90th percentile days between stages, and victims told of the outcome within the Victims' Code limit (analytics.timeliness)" })
  @ApiOkResponse({ description: ROWS })
  timeliness(@Query() query: SlicedStatisticsQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.table(TIMELINESS, query, request, response);
  }

  @Get('attrition-by-strand')
  @ApiOperation({ summary: 'Attrition from recording to uplift by strand, for police-flagged crimes (analytics.attrition_by_strand)' })
  @ApiOkResponse({ description: 'One row per strand, "all" first.' })
  attritionByStrand(@Query() query: AttritionByStrandQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.table(ATTRITION_BY_STRAND, query, request, response);
  }

  private async table(table: StatisticsTable, query: StatisticsRequest, request: Request, response: Response): Promise<Row[] | string> {
    const rows = await this.statistics.statistics(table, query, (release) => {
      // Which release the figures are of, so that a reader can tell figures of one release from another's.
      response.setHeader('Disclosure-Threshold', String(release.threshold));
      if (release.of.refreshedAt) response.setHeader('Statistics-Refreshed-At', release.of.refreshedAt);
    });
    return respond(request, response, query.format, table.view.replace(/_/g, '-'), rows, () => rows);
  }
}
