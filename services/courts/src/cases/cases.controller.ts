import { Body, Controller, Get, HttpCode, Logger, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { BulkResult, Idempotency, Roles, runBulk, type IdempotencyRequest, IDEMPOTENCY_KEY_HEADER } from '@hc/service-kit';
import { CasesService, type CaseView, type CommandResponse } from './cases.service';
import { AcquittalDto, ConvictionDto, CrownCourtDto, ListingDto, PleaDto, SentenceDto, VictimInformedDto } from './dto/court-result.dto';

const NOT_BEFORE_COURT = 'defendant_not_before_court: the CPS has not charged this defendant on this case';
const BAD_INPUT = 'A field is missing or malformed; `errors` names each field. Also idempotency_key_reused (409) for a key sent with another body.';
const DEFENDANT_PATH = ':caseId/defendants/:defendantId';

@ApiTags('court cases')
@ApiHeader(IDEMPOTENCY_KEY_HEADER)
@Roles('courts')
@Controller('cases')
export class CasesController {
  private readonly logger = new Logger('courts-bulk');

  constructor(private readonly cases: CasesService) {}

  @Post('bulk')
  @HttpCode(200)
  @ApiConsumes('application/x-ndjson')
  @ApiBody({
    description:
      'A court system extract: one command per line, e.g. ' +
      '{"command":"ConvictDefendant","params":{"caseId":"...","defendantId":"..."},"body":{"basis":"guilty_plea","courtType":"magistrates"},"idempotencyKey":"..."}. ' +
      'Commands (each with params.caseId and params.defendantId, body as the REST endpoint): ListCase, SendToCrownCourt, EnterPlea, ' +
      'ConvictDefendant, AcquitDefendant, SentenceDefendant, InformVictimOfOutcome. Lines run in order.',
    schema: { type: 'string' },
  })
  @ApiOkResponse({ type: BulkResult, description: 'For every line: accepted with its answer, or rejected with the reason.' })
  bulk(@Body() ndjson: string): Promise<BulkResult> {
    return runBulk(typeof ndjson === 'string' ? ndjson : '', this.cases.bulkCommands(), this.logger);
  }

  @Post(`${DEFENDANT_PATH}/listing`)
  @ApiCreatedResponse({ description: "The first hearing was listed at a magistrates' court." })
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
  @ApiCreatedResponse({ description: 'The defendant was sent to the Crown Court for trial, or committed there for sentence after a conviction.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiUnprocessableEntityResponse({ description: "not_listed: list the case at the magistrates' court first" })
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
  @ApiCreatedResponse({ description: 'The plea was entered; a later plea (e.g. a change to guilty) replaces it.' })
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
  @ApiCreatedResponse({ description: 'The conviction was recorded; the CPS records the completed prosecution from it.' })
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
  @ApiCreatedResponse({ description: 'The acquittal (or dismissal) was recorded; the CPS records the completed prosecution from it.' })
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
  @ApiCreatedResponse({ description: 'The sentence of every charged offence, with its uplift decision, was recorded.' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiUnprocessableEntityResponse({
    description:
      'no_sentence_before_conviction, wrong_court, unknown_offence, offence_sentenced_twice, offence_not_sentenced, ' +
      'flagged_case_needs_uplift_decision, uplift_only_in_flagged_case, uplift_needs_strand, uplift_not_applied_needs_reason, ' +
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
  @ApiCreatedResponse({ description: "The victim was told the outcome (Victims' Code), and whether the sentence was uplifted for hostility." })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiNotFoundResponse({ description: NOT_BEFORE_COURT })
  @ApiUnprocessableEntityResponse({ description: 'no_outcome_yet; no_uplift_to_explain: upliftExplained only after a sentence with an uplift applied' })
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
