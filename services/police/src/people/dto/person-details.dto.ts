import { IsNotBlank } from '@hc/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

export class PersonDetailsDto {
  @ApiProperty({ enum: ['victim', 'suspect'] })
  @IsIn(['victim', 'suspect'])
  role!: 'victim' | 'suspect';

  @ApiProperty({ example: 'Amira Haddad' })
  @IsString() @IsNotBlank() @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: '1988-02-14' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must be a date as YYYY-MM-DD' }) @IsISO8601({ strict: true })
  dateOfBirth?: string;

  @ApiPropertyOptional({ example: '4 Canal Street, Manchester M1 3HE' })
  @IsOptional() @IsString() @IsNotBlank() @Length(1, 500)
  address?: string;

  @ApiPropertyOptional({ example: '07700 900123' })
  @IsOptional() @IsString() @IsNotBlank() @Length(1, 200)
  contact?: string;
}

export class ErasureDto {
  @ApiProperty({ example: 'Data subject erasure request granted (UK GDPR Art. 17)' })
  @IsString() @IsNotBlank() @Length(1, 500)
  reason!: string;
}
