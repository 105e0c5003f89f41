import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CasesService, type CaseView } from './cases.service';
import { ConvictionDto, SentenceDto } from './dto/court-result.dto';

@ApiTags('court cases')
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post(':caseId/defendants/:defendantId/conviction')
  @ApiCreatedResponse({ description: 'The conviction was recorded.' })
  @ApiNotFoundResponse({ description: 'defendant_not_before_court: the CPS has not charged this defendant' })
  @ApiConflictResponse({ description: 'already_convicted' })
  async convict(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: ConvictionDto,
  ): Promise<{ caseId: string; version: number }> {
    const result = await this.cases.execute(caseId, {
      type: 'ConvictDefendant',
      caseId,
      defendantId,
      basis: body.basis,
      courtType: body.courtType,
      convictedAt: body.convictedAt ?? new Date().toISOString(),
    });
    return { caseId, version: result.version };
  }

  @Post(':caseId/defendants/:defendantId/sentence')
  @ApiCreatedResponse({ description: 'The sentence and the uplift decision were recorded.' })
  @ApiUnprocessableEntityResponse({
    description: 'no_sentence_before_conviction, flagged_case_needs_uplift_decision, uplift_only_in_flagged_case, uplift_not_applied_needs_reason, provision_does_not_cover_strand',
  })
  @ApiConflictResponse({ description: 'already_sentenced' })
  async sentence(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: SentenceDto,
  ): Promise<{ caseId: string; version: number }> {
    const result = await this.cases.execute(caseId, {
      type: 'SentenceDefendant',
      caseId,
      defendantId,
      courtType: body.courtType,
      sentence: body.sentence,
      sentencedAt: body.sentencedAt ?? new Date().toISOString(),
      ...(body.uplift ? { uplift: { ...body.uplift } } : {}),
    });
    return { caseId, version: result.version };
  }

  @Get(':caseId')
  @ApiOkResponse({ description: 'The case as the court holds it, with the flag carried from the CPS, and its event history.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  view(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<CaseView> {
    return this.cases.view(caseId);
  }
}
