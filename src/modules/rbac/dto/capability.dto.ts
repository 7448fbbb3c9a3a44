import { ApiProperty } from '@nestjs/swagger';
import { ALL_CAPABILITIES, CAPABILITIES } from '../../identity/index.js';

export class CapabilityDto {
  @ApiProperty({ example: 'time-entries:read:all', enum: ALL_CAPABILITIES })
  key: string;

  @ApiProperty({ example: "Read everyone's time entries in the client" })
  description: string;

  @ApiProperty({ enum: ['client', 'platform'], description: '`platform` capabilities can never be held by a client user' })
  scope: 'client' | 'platform';
}

export function capabilityCatalog(): CapabilityDto[] {
  return ALL_CAPABILITIES.map((key) => ({ key, description: CAPABILITIES[key].description, scope: CAPABILITIES[key].scope }));
}
