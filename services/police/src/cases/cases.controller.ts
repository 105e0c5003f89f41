import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
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
import { Logger } from '@nestjs/common';
import { BulkResult, Idempotency, runBulk, type IdempotencyRequest } from '@hc/service-kit';
import { CasesService, type CaseView, type CommandResponse } from './cases.service';
import { IdentifySuspectDto, RecordCrimeDto, ReferCaseDto } from './dto/record-crime.dto';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Resending a command with the same key and body returns the first answer and records nothing new.',
};

@ApiTags('police cases')
@ApiHeader(IDEMPOTENCY_HEADER)
@Controller('cases')
export class CasesController {
  private readonly logger = new Logger('police-bulk');

  constructor(private readonly cases: CasesService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The crime was recorded; the case id is derived from force and crime reference.' })
  @ApiConflictResponse({ description: 'case_already_recorded: this force already recorded this crime reference.' })
  @ApiUnprocessableEntityResponse({ description: 'A domain rule was broken, e.g. unknown_force, aggravated_offence_needs_race_or_religion_strand.' })
  recordCrime(@Body() body: RecordCrimeDto, @Idempotency() idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.cases.recordCrime(body, idempotency);
  }

  @Post('bulk')
  @HttpCode(200)
  @ApiConsumes('application/x-ndjson')
  @ApiBody({
    description:
      'A nightly extract: one command per line, e.g. {"command":"RecordCrime","params":{},"body":{...},"idempotencyKey":"..."}. ' +
      'Commands: RecordCrime, IdentifySuspect (params.caseId), ReferCaseToCps (params.caseId). Lines run in order.',
    schema: { type: 'string' },
  })
  @ApiOkResponse({ type: BulkResult, description: 'For every line: accepted with its answer, or rejected with the reason.' })
  bulk(@Body() ndjson: string): Promise<BulkResult> {
    return runBulk(typeof ndjson === 'string' ? ndjson : '', this.cases.bulkCommands(), this.logger);
  }

  @Post(':caseId/suspects')
  @ApiCreatedResponse({ description: 'The suspect was identified; answers with the pseudonymous suspect id.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiConflictResponse({ description: 'suspect_already_identified' })
  identifySuspect(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: IdentifySuspectDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.identifySuspect(caseId, body, idempotency);
  }

  @Post(':caseId/referral')
  @ApiCreatedResponse({ description: 'The case was referred to the CPS with its flag and strands; the CPS opens its case from this event.' })
  @ApiUnprocessableEntityResponse({ description: 'referral_needs_suspect, malformed_urn or urn_force_mismatch' })
  @ApiConflictResponse({ description: 'case_already_referred' })
  referToCps(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: ReferCaseDto,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.cases.referToCps(caseId, body, idempotency);
  }

  @Get(':caseId')
  @ApiOkResponse({ description: "The case as the police hold it, and its event history in the police's store." })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  view(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<CaseView> {
    return this.cases.view(caseId);
  }
}
