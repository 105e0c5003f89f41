import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { currentPrincipal, Roles } from '@hc/service-kit';
import { ErasureDto, PersonDetailsDto } from './dto/person-details.dto';
import { PeopleService } from './people.service';

/**
 * Personal details of victims and suspects, held by the police only. They never go on Kafka or
 * into the statistics; reads and writes are written to the access log.
 */
@ApiTags('personal details')
@Roles('police')
@Controller()
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Put('cases/:caseId/people/:personId')
  @ApiOkResponse({ description: 'The details were sealed with the person\'s own key.' })
  @ApiNotFoundResponse({ description: 'case_not_found, person_not_on_case' })
  @ApiConflictResponse({ description: "personal_data_erased; person_on_another_case (the id's details belong to another case: a person id is bound to its first case)" })
  @ApiForbiddenResponse({ description: "a force's key on another force's case" })
  record(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('personId', new ParseUUIDPipe()) personId: string,
    @Body() body: PersonDetailsDto,
  ): Promise<{ caseId: string; personId: string }> {
    return this.people.record(caseId, personId, body, actor());
  }

  @Get('cases/:caseId/people/:personId')
  @ApiOkResponse({ description: 'The details, read with an access-log entry.' })
  @ApiNotFoundResponse({ description: 'no_personal_details' })
  @ApiConflictResponse({ description: 'personal_data_erased' })
  @ApiForbiddenResponse({ description: "a force's key on another force's case" })
  read(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Param('personId', new ParseUUIDPipe()) personId: string) {
    return this.people.read(caseId, personId, actor());
  }

  @Delete('people/:personId')
  @HttpCode(200)
  @ApiOkResponse({ description: "The person's key was destroyed; their details are unreadable everywhere, the statistics are unchanged; the erasure is in the access log." })
  @ApiNotFoundResponse({ description: 'no_personal_details: only a person whose details are held can be erased' })
  @ApiForbiddenResponse({ description: "a force's key on a person of another force's case" })
  erase(@Param('personId', new ParseUUIDPipe()) personId: string, @Body() body: ErasureDto) {
    return this.people.erase(personId, body.reason, actor());
  }
}

/** Who is acting, for the access log. */
function actor(): string {
  const principal = currentPrincipal();
  return principal ? `${principal.role}:${principal.name} (${principal.keyId})` : 'unauthenticated';
}
