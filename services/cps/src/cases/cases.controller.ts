import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CasesService, type CaseView } from './cases.service';
import { PreChargeDecisionDto } from './dto/pre-charge-decision.dto';

@ApiTags('CPS cases')
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post(':caseId/defendants/:defendantId/pre-charge-decision')
  @ApiCreatedResponse({ description: 'The decision was recorded; a charge sends the defendant to court with the flag.' })
  @ApiNotFoundResponse({ description: 'no_referral (no charge before a referral) or unknown_defendant' })
  @ApiConflictResponse({ description: 'decision_already_made' })
  @ApiUnprocessableEntityResponse({ description: 'charge_needs_offence, charges_only_with_charge_decision, aggravated_offence_needs_race_or_religion_strand' })
  async decide(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: PreChargeDecisionDto,
  ): Promise<{ caseId: string; version: number }> {
    const result = await this.cases.execute(caseId, {
      type: 'MakePreChargeDecision',
      caseId,
      defendantId,
      decision: body.decision,
      decidedAt: body.decidedAt ?? new Date().toISOString(),
      charges: (body.charges ?? []).map((charge) => ({ ...charge })),
    });
    return { caseId, version: result.version };
  }

  @Get(':caseId')
  @ApiOkResponse({ description: 'The case as the CPS holds it, with the flag carried from the police, and its event history.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  view(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<CaseView> {
    return this.cases.view(caseId);
  }
}
