import { applyDecorators, Body, Controller, Delete, Get, HttpCode, HttpStatus, Logger, Param, ParseUUIDPipe, Post, Put, Headers } from '@nestjs/common';
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
import { ApplyHateCrimeFlagDto, ChangeHateCrimeFlagDto, RemoveHateCrimeFlagDto } from './dto/hate-crime-flag.dto';
import { PoliceCaseSnapshotDto } from './dto/case-snapshot.dto';
import { AssignPoliceOutcomeDto } from './dto/police-outcome.dto';
import { IdentifySuspectDto, RecordCrimeDto, ReferCaseDto } from './dto/record-crime.dto';
import { AssessVictimNeedsDto } from './dto/victim-needs.dto';


const SNAPSHOT_EXAMPLE = JSON.stringify({
  command: 'CaseSnapshot',
  body: {
    crimeReference: 'GMP/06/000123/24', forceCode: '06', recordedAt: '2024-05-01T10:00:00Z',
    offences: [{ offenceId: 'o1', code: '105A' }],
    flag: { holds: 'flagged', hateCrime: { strands: ['sexual_orientation'], perceivedBy: ['victim'] } },
    suspects: [{ suspectId: '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01' }],
    referral: { urn: '06/MC/12345/24', victimNeedsPassedOn: true },
    takenAt: '2024-05-23T02:00:00Z',
  },
});

/**
 * What every command endpoint shares: the Idempotency-Key header, and 400 naming each bad field.
 * Every command answers 201 Created when its event was recorded, PUT and DELETE included: each
 * command appends an event to the case, and a line of a bulk extract reports the same status.
 */
const Command = () =>
  applyDecorators(
    ApiHeader(IDEMPOTENCY_KEY_HEADER),
    ApiBadRequestResponse({
      description:
        'A field is missing, of the wrong type or not allowed, or the case id or Idempotency-Key is malformed; `errors` names each field (e.g. `hateCrime.strands`). ' +
        'Free text (an offence description, a reason in words) is refused: it stays in the force\'s own system, and the pipeline carries codes only.',
    }),
  );

@ApiTags('police cases')
@Roles('police')
@Controller('cases')
export class CasesController {
  private readonly logger = new Logger('police-bulk');

  constructor(private readonly cases: CasesService) {}

  @Post()
  @Command()
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The crime was recorded; the case id is derived from force and crime reference.' })
  @ApiConflictResponse({ description: 'case_already_recorded (this force already recorded this crime reference), idempotency_key_reused' })
  @ApiUnprocessableEntityResponse({
    description:
      'unknown_force, flag_needs_strand, flag_needs_perceiver, religion_group_without_religion_strand, ' +
      'aggravated_offence_needs_race_or_religion_strand (a CDA 1998 ss.29-32 offence with a flag of neither race nor religion; without a flag it is recorded with the warning aggravated_offence_unflagged)',
  })
  recordCrime(@Body() body: RecordCrimeDto, @Idempotency() idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.cases.recordCrime(body, idempotency);
  }

  @Post('bulk')
  @RateLimit('bulk')
  @HttpCode(200)
  @ApiConsumes('application/x-ndjson')
  @ApiExtraModels(PoliceCaseSnapshotDto)
  @ApiBody({
    description:
      'A nightly extract: one command per line, e.g. {"command":"RecordCrime","params":{},"body":{...},"idempotencyKey":"..."}. ' +
      'Commands: RecordCrime, CaseSnapshot; with params.caseId: IdentifySuspect, ReferCaseToCps, ApplyHateCrimeFlag, ChangeHateCrimeFlag, ' +
      'RemoveHateCrimeFlag, RecordHateCrimeFlag (body as PUT flag-record), AssessVictimNeeds, AssignPoliceOutcome. Bodies are those of the REST endpoints. ' +
      'A CaseSnapshot line ({"command":"CaseSnapshot","body":PoliceCaseSnapshotDto}) is the case as the force system holds it tonight: the service records, as ' +
      'events, what differs from what it holds (the crime, the flag, new suspects, new or changed assessments, the referral, the outcome), and nothing ' +
      'when nothing changed, so an extract sent twice records nothing the second time; its answer lists the events recorded and the warnings. Lines run in order.',
    schema: { type: 'string', example: SNAPSHOT_EXAMPLE },
  })
  @ApiOkResponse({ type: BulkResult, description: 'For every line: accepted with its answer, or rejected with the reason.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The extract was not sent as application/x-ndjson.' })
  bulk(@Body() ndjson: unknown, @Headers('content-type') contentType?: string): Promise<BulkResult> {
    return runBulk(ndjson, contentType, this.cases.bulkCommands(), this.logger);
  }

  @Post(':caseId/suspects')
  @Command()
  @ApiCreatedResponse({ type: CommandAnswer, description: 'The suspect was identified; answers with the pseudonymous suspect id.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiConflictResponse({ description: 'suspect_already_identified, idempotency_key_reused' })
  identifySuspect(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: IdentifySuspectDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.identifySuspect(caseId, body, idempotency);
  }

  @Post(':caseId/referral')
  @Command()
  @ApiCreatedResponse({
    type: CommandAnswer,
    description:
      'The case was referred to the CPS with its flag and strands; the CPS opens its case from this event. Warnings: victim_needs_not_passed_on ' +
      "(victims' needs were assessed and victimNeedsPassedOn is false), flag_dropped_before_referral (the force's record dropped the flag without a reason).",
  })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiUnprocessableEntityResponse({ description: 'referral_needs_suspect, malformed_urn or urn_force_mismatch' })
  @ApiConflictResponse({ description: 'case_already_referred, idempotency_key_reused' })
  referToCps(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: ReferCaseDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.referToCps(caseId, body, idempotency);
  }

  @Post(':caseId/flag')
  @Command()
  @ApiOperation({ summary: 'Apply the hate crime flag to a crime recorded without one (e.g. hostility disclosed later)' })
  @ApiCreatedResponse({ type: CommandAnswer, description: 'HateCrimeFlagApplied was recorded; a later referral carries this flag.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiConflictResponse({ description: 'flag_already_applied (the case is flagged already; change the flag with PUT instead), idempotency_key_reused' })
  @ApiUnprocessableEntityResponse({
    description: 'application_needs_reason (no reason code), flag_needs_strand, flag_needs_perceiver, religion_group_without_religion_strand',
  })
  applyFlag(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: ApplyHateCrimeFlagDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.applyFlag(caseId, body, idempotency);
  }

  @Put(':caseId/flag')
  @Command()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: "Change the flag's strands, perceivers or religion targeted group; send the whole flag as it should stand" })
  @ApiCreatedResponse({ type: CommandAnswer, description: 'HateCrimeFlagChanged was recorded with the strands before the change.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiConflictResponse({ description: 'no_flag_to_change (apply one with POST), flag_unchanged (the flag sent is the one the case carries), idempotency_key_reused' })
  @ApiUnprocessableEntityResponse({
    description:
      'change_needs_reason (no reason code), flag_needs_strand, flag_needs_perceiver, religion_group_without_religion_strand, ' +
      'aggravated_offence_needs_race_or_religion_strand (a CDA 1998 ss.29-32 offence would lose its race or religion strand)',
  })
  changeFlag(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: ChangeHateCrimeFlagDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.changeFlag(caseId, body, idempotency);
  }

  @Delete(':caseId/flag')
  @Command()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Remove the hate crime flag; the JSON body gives the reason (without one, the flag is recorded as dropped: a loss)' })
  @ApiCreatedResponse({
    type: CommandAnswer,
    description:
      'HateCrimeFlagRemoved was recorded with its reason (201, like every command: an event was recorded). Without a reason, HateCrimeFlagRecorded ' +
      '(not_hate_crime) with the warning removal_without_reason: the audit counts the flag as lost at the referral. ' +
      'A CDA 1998 ss.29-32 offence left unflagged adds the warning aggravated_offence_unflagged.',
  })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiConflictResponse({ description: 'no_flag_to_remove, idempotency_key_reused' })
  removeFlag(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: RemoveHateCrimeFlagDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.removeFlag(caseId, body, idempotency);
  }

  @Put(':caseId/flag-record')
  @Command()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: "The flag as the force's own system holds it: flagged with strands, no flag, or not a hate crime (with or without a reason)" })
  @ApiCreatedResponse({
    type: CommandAnswer,
    description:
      'HateCrimeFlagRecorded when the record differs from what the case holds, nothing (events: []) when it is the same. A flag dropped without a reason ' +
      'answers the warning flag_dropped_without_reason: the audit counts it as lost at the referral.',
  })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiConflictResponse({ description: 'idempotency_key_reused' })
  @ApiUnprocessableEntityResponse({
    description:
      'flag_record_needs_flag (holds flagged without hateCrime), flag_record_holds_no_flag (hateCrime with another holds), reason_only_when_not_hate_crime, ' +
      'flag_needs_strand, flag_needs_perceiver, religion_group_without_religion_strand, aggravated_offence_needs_race_or_religion_strand',
  })
  recordFlag(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: RecordFlagDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.recordFlag(caseId, body, idempotency);
  }

  @Post(':caseId/victim-needs')
  @Command()
  @ApiOperation({ summary: "Record a Victims' Code needs assessment for a pseudonymous victim" })
  @ApiCreatedResponse({
    type: CommandAnswer,
    description:
      'VictimNeedsAssessed was recorded; answers with the pseudonymous victim id (generated when not sent). A flagged case assessed without the ' +
      "enhanced service answers the warning hate_crime_victim_without_enhanced_service (the Victims' Code entitles the victim to it).",
  })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiConflictResponse({ description: 'idempotency_key_reused' })
  assessVictimNeeds(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: AssessVictimNeedsDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.assessVictimNeeds(caseId, body, idempotency);
  }

  @Post(':caseId/outcome')
  @Command()
  @ApiOperation({ summary: 'Assign the Home Office outcome type; an outcome is final' })
  @ApiCreatedResponse({ type: CommandAnswer, description: 'PoliceOutcomeAssigned was recorded.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiConflictResponse({ description: 'outcome_already_assigned, idempotency_key_reused' })
  @ApiUnprocessableEntityResponse({
    description: 'charge_needs_referral (outcome 1 before a referral to the CPS), suspect_was_identified (outcome 18 on a case with a suspect)',
  })
  assignOutcome(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: AssignPoliceOutcomeDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.assignOutcome(caseId, body, idempotency);
  }

  @Get(':caseId')
  @Roles('police', 'inspector')
  @ApiOkResponse({ description: "The case as the police hold it, and its event history in the police's store." })
  @ApiBadRequestResponse({ description: 'caseId is not a UUID' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  view(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<CaseView> {
    return this.cases.view(caseId);
  }
}
