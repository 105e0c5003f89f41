import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '@hc/service-kit';
import { CasesBehindQueryDto, FlagAuditFilterDto, FlagAuditQueryDto, FlagAuditSampleQueryDto, OutputFormatDto } from '../statistics/dto/statistics-query.dto';
import { PUBLIC_TABLES } from '../statistics/statistics-tables';
import { respond } from '../statistics/respond';
import { InspectionService } from './inspection.service';

/**
 * Inspectors' views: the flag audit, one case's journey, and its timeline across the three
 * agencies. Each read is written to the access log by the inspection functions it goes through.
 */
@ApiTags('inspection')
@ApiProduces('application/json', 'text/csv')
@Roles('inspector')
@Controller()
export class InspectionController {
  constructor(private readonly inspection: InspectionService) {}

  @Get('flag-audit')
  @ApiOperation({ summary: 'Every finding of the flag audit: where the flag was lost, changed, removed or first applied, and the victim hand-overs (inspection.flag_audit)' })
  @ApiOkResponse({ description: 'One row per finding, oldest first; page with limit and offset.' })
  @ApiBadRequestResponse({ description: 'A filter is invalid (the audit is never public); every bad field is named.' })
  async flagAudit(@Query() query: FlagAuditQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const rows = await this.inspection.flagAudit(query);
    return respond(request, response, query.format, 'flag-audit', rows, () => rows);
  }

  @Get('flag-audit/counts')
  @ApiOperation({ summary: 'How many findings, and cases, each boundary and finding has under the filters: the count of the list /flag-audit gives' })
  @ApiOkResponse({ description: 'One row per boundary and finding that has any: boundary, finding, findings, cases.' })
  @ApiBadRequestResponse({ description: 'A filter is invalid; every bad field is named.' })
  async flagAuditCounts(@Query() query: FlagAuditFilterDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const rows = await this.inspection.flagAuditCounts(query);
    return respond(request, response, query.format, 'flag-audit-counts', rows, () => rows);
  }

  @Get('flag-audit/sample')
  @ApiOperation({ summary: 'A reproducible random sample of cases for a file review: perFinding cases for each boundary and finding, drawn by the seed' })
  @ApiOkResponse({ description: 'One row per case drawn (drawn = 1, 2, ... within its finding), with the count of its findings; CSV for the review team.' })
  @ApiBadRequestResponse({ description: 'A filter, the seed or perFinding is invalid; every bad field is named.' })
  async flagAuditSample(@Query() query: FlagAuditSampleQueryDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const rows = await this.inspection.flagAuditSample(query);
    return respond(request, response, query.format, `flag-audit-sample-${query.seed}`, rows, () => rows);
  }

  @Get('statistics/:table/:column/cases')
  @ApiParam({ name: 'table', enum: PUBLIC_TABLES.map((table) => table.view.replace(/_/g, '-')) })
  @ApiParam({ name: 'column', description: 'A count of the table, e.g. charged' })
  @ApiOperation({ summary: 'The case rows behind one count of a statistic, for a slice (a slice left out is its total): exactly as many as the count' })
  @ApiOkResponse({ description: '{ table, column, filters, count, rows }: count is the cell, rows a page of its case rows (limit, offset).' })
  @ApiBadRequestResponse({ description: 'The table has no such count or slice, or a filter is invalid; every bad field is named.' })
  @ApiNotFoundResponse({ description: 'No such statistic.' })
  async casesBehind(
    @Param('table') name: string,
    @Param('column') column: string,
    @Query() query: CasesBehindQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const table = PUBLIC_TABLES.find((candidate) => candidate.view.replace(/_/g, '-') === name);
    if (!table) throw new NotFoundException(`no statistic ${name}: one of ${PUBLIC_TABLES.map((candidate) => candidate.view.replace(/_/g, '-')).join(', ')}`);
    const { count, rows } = await this.inspection.casesBehind(table, column, query);
    const { format: _format, limit: _limit, offset: _offset, ...filters } = query;
    return respond(request, response, query.format, `${name}-${column}-cases`, { table: name, column, filters, count, rows }, () => rows);
  }

  @Get('cases/:caseId/journey')
  @ApiOperation({ summary: 'One case per defendant across the three agencies, and every event of the case in order' })
  @ApiOkResponse({ description: 'The case journey rows (inspection.case_journey) and the events; CSV gives the rows.' })
  @ApiNotFoundResponse({ description: 'The projection has no event of this case.' })
  async journey(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Query() query: OutputFormatDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const journey = await this.inspection.journey(caseId);
    return respond(request, response, query.format, `case-${caseId}-journey`, journey, () => journey.defendants);
  }

  @Get('cases/:caseId/timeline')
  @ApiOperation({ summary: 'Every event of one case across police, CPS and courts in order, with the flag each agency held and where it was lost' })
  @ApiOkResponse({ description: 'The timeline and the case\'s audit findings; CSV gives one row per event.' })
  @ApiNotFoundResponse({ description: 'The projection has no event of this case.' })
  async timeline(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Query() query: OutputFormatDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const timeline = await this.inspection.timeline(caseId);
    return respond(request, response, query.format, `case-${caseId}-timeline`, timeline, () =>
      timeline.events.map(({ envelope: _envelope, flag, findings, ...entry }) => ({
        ...entry,
        flagged: flag.flagged,
        strands: flag.strands,
        findings: findings.map((finding) => `${finding.boundary}: ${finding.finding}`),
      })),
    );
  }
}
