import { IsInstant } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import { SPECIAL_MEASURES, type SpecialMeasure } from '@hc/contracts';

export class SpecialMeasuresDto {
  @ApiProperty({ format: 'uuid', description: "The victim's pseudonymous id, as in the police needs assessment. Never a name." })
  @IsUUID()
  victimId!: string;

  @ApiProperty({ enum: SPECIAL_MEASURES, isArray: true, example: ['screens', 'live_link'], description: 'Youth Justice and Criminal Evidence Act 1999 ss.23-30 measures' })
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(SPECIAL_MEASURES, { each: true })
  measures!: SpecialMeasure[];

  @ApiPropertyOptional({ example: '2024-06-10T09:00:00Z', description: 'Defaults to now' })
  @IsOptional() @IsInstant()
  appliedAt?: string;
}
