import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Logger, Param, ParseUUIDPipe, Post, Put, Headers } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { BulkResult, CommandAnswer, Idempotency, RateLimit, RecordFlagDto, Roles, runBulk, type IdempotencyRequest, IDEMPOTENCY_KEY_HEADER } from '@hc/service-kit';
import { CasesService, type CaseView, type CommandResponse } from './cases.service';
import { CpsCaseSnapshotDto } from './dto/case-snapshot.dto';
import { CompletionDto } from './dto/completion.dto';
import { ApplyFlagDto, ConfirmFlagDto, RemoveFlagDto } from './dto/hate-crime-flag.dto';
import { PreChargeDecisionDto } from './dto/pre-charge-decision.dto';
import { SpecialMeasuresDto } from './dto/special-measures.dto';

const NO_REFERRAL = 'no_referral: the CPS has not received this case from the police';
const BAD_INPUT =
  'A field is missing or malformed; `errors` names each field. Free text (an offence description, a reason in words) is refused: it stays in CPS case management, and the pipeline carries codes only.';

@ApiTags('CPS cases')
@ApiHeader(IDEMPOTENCY_KEY_HEADER)
@Roles('cps')
@Controller('cases')
export class CasesController {
  private readonly logger = new Logger('cps-bulk');

  constructor(private readonly cases: CasesService) {}

  @Post('bulk')
  @RateLimit('bulk')
  @HttpCode(200)
  @ApiConsumes('application/x-ndjson')
  @ApiExtraModels(CpsCaseSnapshotDto)
  @ApiBody({
    description:
      'An extract from CPS case management: one command per line, e.g. ' +
      '{"command":"CompleteProsecution","params":{"caseId":"...","defendantId":"..."},"body":{"outcome":"discontinued"},"idempotencyKey":"..."}. ' +
      'Commands: CaseSnapshot, ConfirmHateCrimeFlag, ApplyHateCrimeFlag, RemoveHateCrimeFlag, RecordHateCrimeFlag (body as PUT flag-record), ' +
      'ApplyForSpecialMeasures (params.caseId); MakePreChargeDecision, CompleteProsecution (params.caseId, params.defendantId). ' +
      'A CaseSnapshot line ({"command":"CaseSnapshot","params":{"caseId":"..."},"body":CpsCaseSnapshotDto}) is the case as case management holds it tonight: ' +
      'the service records, as events, what differs from what the CPS case holds (the flag, decisions, CPS-decided completions, special measures), and ' +
      'nothing when nothing changed, so an extract sent twice records nothing the second time; its answer lists the events recorded and the warnings. Lines run in order.',
    schema: { type: 'string' },
  })
  @ApiOkResponse({ type: BulkResult, description: 'For every line: accepted with its answer, or rejected with the reason.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The extract was not sent as application/x-ndjson.' })
  bulk(@Body() ndjson: unknown, @Headers('content-type') contentType?: string): Promise<BulkResult> {
    return runBulk(ndjson, contentType, this.cases.bulkCommands(), this.logger);
  }

  @Post(':caseId/flag/confirmation')
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The CPS reviewed the flag and keeps it, with the strands given (a change) or as received.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NO_REFERRAL })
  @ApiUnprocessableEntityResponse({
    description:
      'no_flag_to_confirm (apply one instead), religion_group_without_religion_strand, ' +
      'aggravated_offence_needs_race_or_religion_strand (an aggravated offence is charged)',
  })
  confirmFlag(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: ConfirmFlagDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.confirmFlag(caseId, body, idempotency);
  }

  @Post(':caseId/flag')
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The CPS first applied a flag the police had not; later charges carry it to court.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NO_REFERRAL })
  @ApiConflictResponse({ description: 'flag_already_applied (confirm it to change its strands)' })
  @ApiUnprocessableEntityResponse({ description: 'application_needs_reason, religion_group_without_religion_strand' })
  applyFlag(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: ApplyFlagDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.applyFlag(caseId, body, idempotency);
  }

  @Put(':caseId/flag-record')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'The flag as CPS case management holds it: flagged with strands, no flag, or not a hate crime (with or without a reason)' })
  @ApiCreatedResponse({
    type: CommandAnswer,
    description:
      'The flag as CPS case management holds it: HateCrimeFlagRecorded when it differs from what the case holds, nothing (events: []) when it is the same. ' +
      'Warnings: flag_not_held (no flag and no reason where the police referred one: lost between the police and the CPS), strands_differ_from_police, ' +
      'aggravated_offence_unflagged.',
  })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NO_REFERRAL })
  @ApiUnprocessableEntityResponse({
    description:
      'flag_record_needs_flag, flag_record_holds_no_flag, reason_only_when_not_hate_crime, flag_needs_strand, flag_needs_perceiver, ' +
      'religion_group_without_religion_strand, aggravated_offence_needs_race_or_religion_strand',
  })
  recordFlag(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: RecordFlagDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.recordFlag(caseId, body, idempotency);
  }

  @Delete(':caseId/flag')
  @ApiBody({ type: RemoveFlagDto })
  @ApiOkResponse({
    type: CommandAnswer,
    description:
      'The flag was removed with its reason; later charges go to court unflagged. Without a reason (a legacy record): HateCrimeFlagRecorded ' +
      '(not_hate_crime) with the warning flag_not_held, as the audit counts a lost flag.',
  })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NO_REFERRAL })
  @ApiUnprocessableEntityResponse({ description: 'no_flag_to_remove' })
  removeFlag(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: RemoveFlagDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.removeFlag(caseId, body, idempotency);
  }

  @Post(':caseId/defendants/:defendantId/pre-charge-decision')
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The decision was recorded; a charge sends the defendant to court with the flag the CPS holds now.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: `${NO_REFERRAL} (no charge before a referral); unknown_defendant` })
  @ApiConflictResponse({ description: 'decision_already_made (a charge follows only a decision not to charge, on review)' })
  @ApiUnprocessableEntityResponse({ description: 'charge_needs_offence, charges_only_with_charge_decision, aggravated_offence_needs_race_or_religion_strand' })
  makePreChargeDecision(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: PreChargeDecisionDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.makePreChargeDecision(caseId, defendantId, body, idempotency);
  }

  @Post(':caseId/special-measures')
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The CPS applied to the court for special measures for the victim.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NO_REFERRAL })
  @ApiConflictResponse({ description: 'special_measures_already_applied_for (for this victim)' })
  @ApiUnprocessableEntityResponse({ description: 'special_measures_need_charge (no defendant charged yet), special_measures_need_measure' })
  applyForSpecialMeasures(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: SpecialMeasuresDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.applyForSpecialMeasures(caseId, body, idempotency);
  }

  @Post(':caseId/defendants/:defendantId/completion')
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The CPS completed the prosecution of the defendant (discontinued or administratively finalised).' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: `${NO_REFERRAL}; unknown_defendant` })
  @ApiConflictResponse({ description: 'prosecution_already_completed' })
  @ApiUnprocessableEntityResponse({
    description: 'outcome_comes_from_court (convictions, acquittals and dismissals come from the court result), not_charged',
  })
  completeProsecution(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: CompletionDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.completeProsecution(caseId, defendantId, body, idempotency);
  }

  @Get(':caseId')
  @Roles('cps', 'inspector')
  @ApiOkResponse({ description: 'The case as the CPS holds it (flag, decisions, charges, completed prosecutions) and its event history.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  view(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<CaseView> {
    return this.cases.view(caseId);
  }
}
