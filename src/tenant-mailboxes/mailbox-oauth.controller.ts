import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Audited } from '../audit/audit.decorators';
import { AuditTrail } from '../audit/audit-trail';
import { Public } from '../auth/auth.decorators';
import { cookieValue } from '../auth/session-secret';
import { ApiErrors } from '../common/api-errors';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { OAUTH_BINDING_COOKIE, OAUTH_COOKIE_PATH } from './mailbox-oauth-state';
import { MailboxOAuthService } from './mailbox-oauth.service';

/**
 * Where Microsoft or Google send the admin's browser back. Public: the sealed state names the
 * tenant and mailbox, and the cookie set when connecting proves it is the same browser.
 */
@ApiTags('tenant mailboxes')
@Controller('api/email-settings/mailboxes/oauth')
@Public()
export class MailboxOAuthController {
  constructor(
    private readonly oauth: MailboxOAuthService,
    private readonly config: AppConfig,
    private readonly trail: AuditTrail,
  ) {}

  @ApiFoundResponse({ description: 'To Settings with mailbox_connected=<id>, or with mailbox_error saying what went wrong' })
  @ApiErrors(500)
  @Audited('mailbox.connected', { target: 'mailbox' })
  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const settings = `${this.config.accounts.publicUrl}/#/settings`;
    try {
      const url = new URL(request.originalUrl, this.config.accounts.publicUrl);
      const { mailboxId } = await this.oauth.complete(url, cookieValue(request, OAUTH_BINDING_COOKIE));
      response.clearCookie(OAUTH_BINDING_COOKIE, { path: OAUTH_COOKIE_PATH });
      response.redirect(302, `${settings}?mailbox_connected=${mailboxId}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.trail.note({ failed: true });
      response.redirect(302, `${settings}?mailbox_error=${encodeURIComponent(error.message)}`);
    }
  }
}
