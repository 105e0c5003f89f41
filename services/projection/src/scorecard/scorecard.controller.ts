import { BadRequestException, Body, Controller, Get, Param, ParseEnumPipe, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '@hc/service-kit';
import { RELATIONSHIPS, type Relationship } from './relationships';
import { EvidenceCasesQueryDto, FrameworkScoreDto, ScorecardQueryDto } from './scorecard.dto';
import { ScorecardService } from './scorecard.service';

const RELATIONSHIP = new ParseEnumPipe(Object.fromEntries(RELATIONSHIPS.map((relationship) => [relationship, relationship])), {
  exceptionFactory: () => new BadRequestException(`relationship must be one of ${RELATIONSHIPS.join(', ')}`),
});

/**
 * The relationship scorecard (docs/scorecard.md): evidence figures from the case journeys, the
 * action score they give, the framework score a person entered, and the colour of the two.
 */
@ApiTags('scorecard')
@Roles('analyst', 'inspector')
@Controller('scorecard')
export class ScorecardController {
  constructor(private readonly scorecard: ScorecardService) {}

  @Get()
  @ApiOperation({ summary: 'Each relationship of the recording system: its evidence figures, action score, framework score in force, total and colour' })
  @ApiOkResponse({ description: 'The year, and one entry per relationship (police_cps, cps_courts, police_courts, courts_victim, police_victim).' })
  @ApiBadRequestResponse({ description: 'The year is invalid.' })
  read(@Query() query: ScorecardQueryDto) {
    return this.scorecard.scorecard(query.year);
  }

  @Get(':relationship/framework-scores')
  @ApiParam({ name: 'relationship', enum: RELATIONSHIPS })
  @ApiOperation({ summary: 'Every framework score entered for a relationship, oldest first (never overwritten)' })
  @ApiOkResponse({ description: 'version, score, reason, enteredBy, enteredAt of each.' })
  history(@Param('relationship', RELATIONSHIP) relationship: Relationship) {
    return this.scorecard.history(relationship);
  }

  @Get(':relationship/evidence/:key/cases')
  @Roles('inspector')
  @ApiParam({ name: 'relationship', enum: RELATIONSHIPS })
  @ApiParam({ name: 'key', description: 'An evidence figure of the relationship, e.g. flag_kept_at_referral' })
  @ApiOperation({ summary: 'The case rows behind an evidence figure: its denominator, or with showing=true/false those that show the action or not' })
  @ApiOkResponse({ description: '{ count, rows }: count equal to the figure\'s denominator, numerator or their difference; rows a page of them.' })
  @ApiNotFoundResponse({ description: 'The relationship has no such evidence figure.' })
  @ApiForbiddenResponse({ description: 'Case rows are the inspectors\'.' })
  evidenceCases(@Param('relationship', RELATIONSHIP) relationship: Relationship, @Param('key') key: string, @Query() query: EvidenceCasesQueryDto) {
    return this.scorecard.casesBehind(relationship, key, query);
  }

  @Post(':relationship/framework-scores')
  @Roles('inspector')
  @ApiParam({ name: 'relationship', enum: RELATIONSHIPS })
  @ApiOperation({ summary: "Enter a framework score (0-3) with its reason: the relationship's next version; earlier ones are kept" })
  @ApiCreatedResponse({ description: 'The score as stored, with its version, who entered it and when.' })
  @ApiBadRequestResponse({ description: 'The score or the reason is invalid; every bad field is named.' })
  @ApiForbiddenResponse({ description: 'Only an inspector enters framework scores.' })
  enter(@Param('relationship', RELATIONSHIP) relationship: Relationship, @Body() body: FrameworkScoreDto) {
    return this.scorecard.enter(relationship, body.score, body.reason);
  }
}
