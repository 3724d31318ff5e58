import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsString, Length, MaxLength, IsOptional } from 'class-validator';
import { TENANT_ROLES, TenantRole } from '../auth/principal';
import { SingleLine } from '../common/validation';
import { PASSWORD_MAX_LENGTH } from './account-policy';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 320 })
  @IsString() @MaxLength(320) @SingleLine() email: string;
  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH, format: 'password' })
  @IsString() @Length(1, PASSWORD_MAX_LENGTH * 4) password: string;
  @ApiPropertyOptional({ description: 'With two-factor sign-in on: the 6-digit code of the authenticator app, or a recovery code' })
  @IsOptional() @IsString() @Length(1, 20) @SingleLine() code?: string;
}

export class TwoFactorCodeDto {
  @ApiProperty({ description: 'A 6-digit code of the authenticator app (to turn off: or a recovery code)' })
  @IsString() @Length(1, 20) @SingleLine() code: string;
}

export class TwoFactorPolicyDto {
  @ApiProperty({ description: 'true: every person of the tenant must sign in with a second factor' })
  @IsBoolean() required: boolean;
}

export class PasswordResetRequestDto {
  @ApiProperty({ format: 'email', maxLength: 320 })
  @IsString() @MaxLength(320) @SingleLine() email: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: 'The token of the invitation or password-reset link' })
  @IsString() @Length(1, 1000) @SingleLine() token: string;
  @ApiProperty({ minLength: 10, maxLength: PASSWORD_MAX_LENGTH, format: 'password' })
  @IsString() @Length(1, PASSWORD_MAX_LENGTH * 4) password: string;
}

export class CreateOperatorDto {
  @ApiProperty({ format: 'email', maxLength: 320 })
  @IsEmail() @MaxLength(320) @SingleLine() email: string;
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString() @Length(1, 200) @SingleLine() name: string;
  @ApiPropertyOptional({ minLength: 10, maxLength: PASSWORD_MAX_LENGTH, format: 'password', description: 'Given: ready to sign in. Omitted: an invitation is mailed' })
  @IsOptional() @IsString() @Length(1, PASSWORD_MAX_LENGTH * 4) password?: string;
}

export class CreateAccountUserDto {
  @ApiPropertyOptional({ format: 'email', maxLength: 320, description: 'The sign-in address; without it the user only has tokens' })
  @IsOptional() @IsEmail() @MaxLength(320) @SingleLine() email?: string;
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString() @Length(1, 200) @SingleLine() name: string;
  @ApiProperty({ enum: TENANT_ROLES })
  @IsIn(TENANT_ROLES) role: TenantRole;
  @ApiPropertyOptional({ minLength: 10, maxLength: PASSWORD_MAX_LENGTH, format: 'password', description: 'Given: ready to sign in. Omitted: an invitation is mailed' })
  @IsOptional() @IsString() @Length(1, PASSWORD_MAX_LENGTH * 4) password?: string;
}
