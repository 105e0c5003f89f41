import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export class PersonDetailsDto {
  @ApiProperty({ enum: ['victim', 'suspect'] })
  @IsIn(['victim', 'suspect'])
  role!: 'victim' | 'suspect';

  @ApiProperty({ example: 'Amira Haddad' })
  @IsString() @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: '1988-02-14' })
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'dateOfBirth must be a date as YYYY-MM-DD' })
  dateOfBirth?: string;

  @ApiPropertyOptional({ example: '4 Canal Street, Manchester M1 3HE' })
  @IsOptional() @IsString() @Length(1, 500)
  address?: string;

  @ApiPropertyOptional({ example: '07700 900123' })
  @IsOptional() @IsString() @Length(1, 200)
  contact?: string;
}

export class ErasureDto {
  @ApiProperty({ example: 'Data subject erasure request granted (UK GDPR Art. 17)' })
  @IsString() @Length(1, 500)
  reason!: string;
}
