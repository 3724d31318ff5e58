import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Public } from '../../auth/auth.decorators';
import { AppConfig } from '../../config/app-config';
import { ApiErrors } from '../../common/api-errors';
import { DomainError } from '../../common/domain-error';
import { IngestService } from '../../inbound/ingest.service';
import { refuseUnread, SignedWebhookBodies } from './signed-webhook-bodies';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, WEBHOOK_TOLERANCE_SECONDS } from '../../mail/webhook-signature';
import { WebhookResult } from './webhook-result';

const LOOKS_LIKE_HEADER = /^[!-9;-~]+[ \t]*:/;

/** Raw MIME in, signed with DOCKER_MAIL_WEBHOOK_SECRET; answers only after the commit. */
@ApiTags('inbound mail')
@Controller('api/inbound')
export class WebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly ingest: IngestService,
    private readonly bodies: SignedWebhookBodies,
  ) {}

  @ApiConsumes('message/rfc822')
  @ApiBody({ description: 'The raw message as received (RFC 5322), no Content-Encoding', schema: { type: 'string', format: 'binary' } })
  @ApiHeader({ name: TIMESTAMP_HEADER, required: true, description: `Unix seconds; refused more than ${WEBHOOK_TOLERANCE_SECONDS} s away from the server's clock` })
  @ApiHeader({ name: SIGNATURE_HEADER, required: true, description: 'sha256=<hex HMAC-SHA256(DOCKER_MAIL_WEBHOOK_SECRET, timestamp + "." + body)>' })
  @ApiOkResponse({ description: 'Committed: the outcome for each tenant the message was routed to', type: WebhookResult })
  @ApiErrors(400, 401, 404, 413, 415, 422, 503)
  @Post('webhook')
  @Public()
  @HttpCode(200)
  async receive(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    if (!this.config.processingMethods.includes('webhook')) {
      refuseUnread(response, new DomainError('not_found', 'The webhook is not enabled (EMAIL_PROCESSING_METHOD does not include webhook)'));
    }
    return this.bodies.withVerifiedBody(request, response, (body) => this.receiveMessage(request, body));
  }

  private async receiveMessage(request: Request, body: Buffer) {
    if (body.length === 0) throw new DomainError('bad_request', 'The body must be the raw message (Content-Type: message/rfc822)');
    if (!LOOKS_LIKE_HEADER.test(body.subarray(0, 1000).toString('latin1'))) {
      throw new DomainError('unprocessable', 'The body is not an RFC 5322 message: it does not start with a header field');
    }

    const report = await this.ingest.ingest(body, { source: 'webhook', ref: `webhook t=${request.header(TIMESTAMP_HEADER)}` });
    const first = report.results[0];
    return {
      outcome: first.outcome,
      ticket_id: first.ticketId,
      ticket_number: first.ticketNumber,
      log_id: first.logId,
      reason: first.reason,
      results: report.results.map((r) => ({
        tenant_id: r.tenantId,
        outcome: r.outcome,
        ticket_id: r.ticketId,
        ticket_number: r.ticketNumber,
        log_id: r.logId,
        reason: r.reason,
      })),
    };
  }
}
