import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { SENDER_ADDRESS } from './remote-image-policy';

export class AddRemoteImageSenderDto {
  @ApiProperty({ example: 'news@shop.example', maxLength: 320, description: 'The sender’s address; case does not matter' })
  @IsString() @MaxLength(320) @Matches(SENDER_ADDRESS, { message: 'address must be an e-mail address' })
  address: string;
}
