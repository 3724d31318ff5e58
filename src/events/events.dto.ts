import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class EventsQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'The tenant to watch: required for the platform admin; a tenant token may only name its own' })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(2_147_483_647) tenant_id?: number;
}
