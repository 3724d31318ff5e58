import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Req, Res } from '@nestjs/common';
import { Audited } from '../audit/audit.decorators';
import { ApiAcceptedResponse, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { AllowBeforeTwoFactor, CurrentPrincipal, Public, Roles } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { LoginDto, PasswordResetRequestDto, SetPasswordDto } from './accounts.dto';
import { AccountsService } from './accounts.service';
import { SignInService } from './sign-in.service';

const EVERYONE = ['platform_admin', 'tenant_admin', 'agent'] as const;

@ApiTags('sign-in')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly signIn: SignInService,
    private readonly accounts: AccountsService,
  ) {}

  @ApiOkResponse({ description: 'Who signed in (as GET /api/me) and the csrf_token for X-CSRF-Token; sets the httpOnly session cookie' })
  @ApiErrors(...JSON_BODY_ERRORS, 401, 403, 429, 503)
  @Public()
  @Audited('user.login', { failures: true })
  @Post('login')
  @HttpCode(200)
  login(@Body() dto: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.signIn.login(dto, request, response);
  }

  @ApiAcceptedResponse({ description: 'The same answer whether the address has an account or not' })
  @ApiErrors(...JSON_BODY_ERRORS, 503)
  @Public()
  @Audited('user.password_reset_requested')
  @Post('password-reset')
  @HttpCode(202)
  requestReset(@Body() dto: PasswordResetRequestDto) {
    return this.accounts.requestPasswordReset(dto.email);
  }

  @ApiOkResponse({ description: 'Password set from an invitation or reset link; signed in as after login' })
  @ApiErrors(...JSON_BODY_ERRORS, 403, 422, 503)
  @Public()
  @Audited('user.password_set')
  @Post('set-password')
  @HttpCode(200)
  setPassword(@Body() dto: SetPasswordDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.accounts.setPasswordFromLink(dto, request, response);
  }

  @ApiNoContentResponse({ description: 'This browser session ended; its cookie cleared' })
  @ApiCookieAuth()
  @ApiErrors(...AUTHENTICATED_ERRORS, 400)
  @Roles(...EVERYONE)
  @AllowBeforeTwoFactor()
  @Audited('user.logout')
  @Post('logout')
  @HttpCode(204)
  logout(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.signIn.logout(principal, request, response);
  }

  @ApiOkResponse({ description: '{ended}: every session of this person ended, this one included' })
  @ApiCookieAuth()
  @ApiErrors(...AUTHENTICATED_ERRORS, 422)
  @Roles(...EVERYONE)
  @AllowBeforeTwoFactor()
  @Audited('user.logout_everywhere')
  @Post('logout-everywhere')
  @HttpCode(200)
  logoutEverywhere(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.signIn.logoutEverywhere(principal, request, response);
  }

  @ApiOkResponse({ description: '{data: sessions} of the signed-in person; `current` marks this one' })
  @ApiCookieAuth()
  @ApiErrors(...AUTHENTICATED_ERRORS, 422)
  @Roles(...EVERYONE)
  @AllowBeforeTwoFactor()
  @Get('sessions')
  async sessions(@CurrentPrincipal() principal: Principal) {
    return { data: await this.signIn.list(principal) };
  }

  @ApiNoContentResponse({ description: 'That session ended' })
  @ApiCookieAuth()
  @ApiErrors(...AUTHENTICATED_ERRORS, 400, 404, 422)
  @Roles(...EVERYONE)
  @Audited('session.revoked', { target: 'session' })
  @Delete('sessions/:sessionId')
  @HttpCode(204)
  revoke(@CurrentPrincipal() principal: Principal, @Param('sessionId', ParseIntPipe) sessionId: number) {
    return this.signIn.revoke(principal, sessionId);
  }
}
