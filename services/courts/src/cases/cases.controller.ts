import { Body, Controller, Get, HttpCode, HttpStatus, Logger, Param, ParseUUIDPipe, Post, Put, Headers } from '@nestjs/common';
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
import { CourtCaseSnapshotDto } from './dto/case-snapshot.dto';
import { AcquittalDto, ConvictionDto, CrownCourtDto, ListingDto, PleaDto, SentenceDto, VictimInformedDto } from './dto/court-result.dto';

const NOT_BEFORE_COURT = 'defendant_not_before_court: the CPS has not charged this defendant on this case';
const BAD_INPUT =
  'A field is missing or malformed; `errors` names each field. Free text (a sentence or a reason in words) is refused: it stays in the court\'s own system, and the pipeline carries codes only. ' +
  'Also idempotency_key_reused (409) for a key sent with another body.';
const DEFENDANT_PATH = ':caseId/defendants/:defendantId';

@ApiTags('court cases')
@ApiHeader(IDEMPOTENCY_KEY_HEADER)
@Roles('courts')
@Controller('cases')
export class CasesController {
  private readonly logger = new Logger('courts-bulk');

  constructor(private readonly cases: CasesService) {}

  @Post('bulk')
  @RateLimit('bulk')
  @HttpCode(200)
  @ApiConsumes('application/x-ndjson')
  @ApiExtraModels(CourtCaseSnapshotDto)
  @ApiBody({
    description:
      'A court system extract: one command per line, e.g. ' +
      '{"command":"ConvictDefendant","params":{"caseId":"...","defendantId":"..."},"body":{"basis":"guilty_plea","courtType":"magistrates"},"idempotencyKey":"..."}. ' +
      'Commands (each with params.caseId and params.defendantId, body as the REST endpoint): RecordHateCrimeFlag (body as PUT flag-record), ListCase, ' +
      'SendToCrownCourt, EnterPlea, ConvictDefendant, AcquitDefendant, SentenceDefendant, InformVictimOfOutcome; and CaseSnapshot (params.caseId only). ' +
      'A CaseSnapshot line ({"command":"CaseSnapshot","params":{"caseId":"..."},"body":CourtCaseSnapshotDto}) is the case as the court system holds it tonight, ' +
      'per defendant: the service records, as events, what differs from what the court case holds (the flag, listing, Crown Court, plea, verdict, sentence with ' +
      'or without uplift decisions, victims told), and nothing when nothing changed, so an extract sent twice records nothing the second time; its answer ' +
      'lists the events recorded and the warnings. Lines run in order.',
    schema: { type: 'string' },
  })
  @ApiOkResponse({ type: BulkResult, description: 'For every line: accepted with its answer, or rejected with the reason.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The extract was not sent as application/x-ndjson.' })
  bulk(@Body() ndjson: unknown, @Headers('content-type') contentType?: string): Promise<BulkResult> {
    return runBulk(ndjson, contentType, this.cases.bulkCommands(), this.logger);
  }

  @Put(`${DEFENDANT_PATH}/flag-record`)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: "The defendant's flag as the court's system holds it: flagged with strands, no flag, or not a hate crime (with or without a reason)" })
  @ApiCreatedResponse({
    type: CommandAnswer,
    description:
      "The flag as the court's own system holds it for this defendant: HateCrimeFlagRecorded when it differs from what the case holds (the flag the CPS " +
      'charged with, until now), nothing (events: []) when it is the same. Warnings: flag_not_held (no flag and no reason where the CPS charged with one: ' +
      'lost between the CPS and the court), strands_differ_from_cps.',
  })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiUnprocessableEntityResponse({
    description:
      'flag_record_needs_flag, flag_record_holds_no_flag, reason_only_when_not_hate_crime, flag_needs_strand, flag_needs_perceiver, religion_group_without_religion_strand',
  })
  recordFlag(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: RecordFlagDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.recordFlag({ caseId, defendantId }, body, idempotency);
  }

  @Post(`${DEFENDANT_PATH}/listing`)
  @ApiCreatedResponse({ type: CommandAnswer, description: "The first hearing was listed at a magistrates' court." })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiConflictResponse({ description: 'already_listed' })
  listCase(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: ListingDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.listCase({ caseId, defendantId }, body, idempotency);
  }

  @Post(`${DEFENDANT_PATH}/crown-court`)
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The defendant was sent to the Crown Court for trial, or committed there for sentence after a conviction. Without a recorded listing: the warning not_listed.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiConflictResponse({ description: 'already_sent_to_crown_court, already_acquitted, already_sentenced' })
  sendToCrownCourt(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: CrownCourtDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.sendToCrownCourt({ caseId, defendantId }, body, idempotency);
  }

  @Post(`${DEFENDANT_PATH}/plea`)
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The plea was entered; a later plea (e.g. a change to guilty) replaces it.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiUnprocessableEntityResponse({ description: "wrong_court: courtType must be magistrates' unless the defendant was sent to the Crown Court" })
  @ApiConflictResponse({ description: 'already_convicted, already_acquitted' })
  enterPlea(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: PleaDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.enterPlea({ caseId, defendantId }, body, idempotency);
  }

  @Post(`${DEFENDANT_PATH}/conviction`)
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The conviction was recorded; the CPS records the completed prosecution from it.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiUnprocessableEntityResponse({ description: 'wrong_court; no_guilty_plea: the defendant pleaded not guilty and never changed the plea' })
  @ApiConflictResponse({ description: 'already_convicted, already_acquitted' })
  convict(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: ConvictionDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.convict({ caseId, defendantId }, body, idempotency);
  }

  @Post(`${DEFENDANT_PATH}/acquittal`)
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The acquittal (or dismissal) was recorded; the CPS records the completed prosecution from it.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiUnprocessableEntityResponse({ description: 'wrong_court' })
  @ApiConflictResponse({ description: 'already_convicted, already_acquitted' })
  acquit(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: AcquittalDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.acquit({ caseId, defendantId }, body, idempotency);
  }

  @Post(`${DEFENDANT_PATH}/sentence`)
  @ApiCreatedResponse({
    type: CommandAnswer,
    description:
      'The sentence of each offence, with its uplift decision, was recorded as the court gave it. Warnings: no_uplift_decision (a flagged defendant ' +
      'sentenced with no uplift decision: the audit finding of that name), offence_without_uplift_decision, uplift_in_unflagged_case (the finding ' +
      'first_applied_downstream), offence_not_sentenced, uplift_needs_strand, uplift_not_applied_needs_reason.',
  })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiUnprocessableEntityResponse({
    description:
      'no_sentence_before_conviction, wrong_court, unknown_offence, offence_sentenced_twice, ' +
      'provision_not_in_force (SA2020_s66 from convictions on 2020-12-01, CJA2003_s145/s146 before), provision_does_not_cover_strand',
  })
  @ApiConflictResponse({ description: 'already_sentenced, already_acquitted' })
  sentence(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: SentenceDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.sentence({ caseId, defendantId }, body, idempotency);
  }

  @Post(`${DEFENDANT_PATH}/victim-informed`)
  @ApiCreatedResponse({
    type: CommandAnswer,
    description:
      "The victim was told the outcome (Victims' Code), and with upliftExplained of the court's uplift decision, applied or declined; that clears the finding victim_not_told_of_uplift.",
  })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiUnprocessableEntityResponse({
    description: 'no_outcome_yet; no_uplift_to_explain: upliftExplained only after a sentence with an uplift decision, applied or declined',
  })
  informVictim(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('defendantId', new ParseUUIDPipe()) defendantId: string,
    @Body() body: VictimInformedDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.informVictim({ caseId, defendantId }, body, idempotency);
  }

  @Get(':caseId')
  @Roles('courts', 'inspector')
  @ApiOkResponse({ description: 'The case as the court holds it, with the flag carried from the CPS, and its event history.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  view(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<CaseView> {
    return this.cases.view(caseId);
  }
}
