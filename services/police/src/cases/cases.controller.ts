import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CasesService, type CaseView } from './cases.service';
import { policeCaseId } from './case-id';
import { IdentifySuspectDto, RecordCrimeDto, ReferCaseDto } from './dto/record-crime.dto';

export interface CommandAccepted {
  readonly caseId: string;
  readonly version: number;
}

@ApiTags('police cases')
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The crime was recorded; the case id is derived from force and crime reference.' })
  @ApiConflictResponse({ description: 'case_already_recorded: this force already recorded this crime reference.' })
  @ApiUnprocessableEntityResponse({ description: 'A domain rule was broken, e.g. unknown_force, aggravated_offence_needs_race_or_religion_strand.' })
  async recordCrime(@Body() body: RecordCrimeDto): Promise<CommandAccepted> {
    const caseId = policeCaseId(body.forceCode, body.crimeReference);
    const result = await this.cases.execute({
      type: 'RecordCrime',
      caseId,
      crimeReference: body.crimeReference,
      forceCode: body.forceCode,
      recordedAt: body.recordedAt ?? new Date().toISOString(),
      offences: body.offences.map((offence) => ({ ...offence })),
      ...(body.hateCrime ? { hateCrime: { ...body.hateCrime } } : {}),
    });
    return { caseId, version: result.version };
  }

  @Post(':caseId/suspects')
  @ApiCreatedResponse({ description: 'The suspect was identified; answers with the pseudonymous suspect id.' })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  @ApiConflictResponse({ description: 'suspect_already_identified' })
  async identifySuspect(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: IdentifySuspectDto,
  ): Promise<CommandAccepted & { suspectId: string }> {
    const suspectId = body.suspectId ?? randomUUID();
    const result = await this.cases.execute({
      type: 'IdentifySuspect',
      caseId,
      suspectId,
      identifiedAt: body.identifiedAt ?? new Date().toISOString(),
    });
    return { caseId, suspectId, version: result.version };
  }

  @Post(':caseId/referral')
  @HttpCode(201)
  @ApiCreatedResponse({ description: 'The case was referred to the CPS with its flag and strands; the CPS opens its case from this event.' })
  @ApiUnprocessableEntityResponse({ description: 'referral_needs_suspect, malformed_urn or urn_force_mismatch' })
  @ApiConflictResponse({ description: 'case_already_referred' })
  async referToCps(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() body: ReferCaseDto): Promise<CommandAccepted> {
    const result = await this.cases.execute({
      type: 'ReferCaseToCps',
      caseId,
      urn: body.urn,
      victimNeedsPassedOn: body.victimNeedsPassedOn,
      referredAt: body.referredAt ?? new Date().toISOString(),
    });
    return { caseId, version: result.version };
  }

  @Get(':caseId')
  @ApiOkResponse({ description: "The case as the police hold it, and its event history in the police's store." })
  @ApiNotFoundResponse({ description: 'case_not_found' })
  view(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<CaseView> {
    return this.cases.view(caseId);
  }
}
