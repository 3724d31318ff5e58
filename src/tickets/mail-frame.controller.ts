import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { ApiErrors } from '../common/api-errors';
import { MailFrameService } from './mail-frame.service';

/**
 * A frame cannot send the bearer header: the link itself, handed out with the ticket
 * (`html_frame_url` of a message), is the permission, for one message and one to two hours.
 */
@ApiTags('tickets')
@Controller('api/mail-frames')
@Public()
export class MailFrameController {
  constructor(private readonly frames: MailFrameService) {}

  @ApiOkResponse({
    description: 'The message’s sanitised HTML as its own page with its own Content-Security-Policy, for a sandboxed frame',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiQuery({ name: 'images', required: false, enum: ['1'], description: '1 loads the mail’s remote (https) images, which are blocked otherwise' })
  @ApiErrors(404, 429, 503)
  @Get(':link')
  async page(@Param('link') link: string, @Query('images') images: string | undefined, @Res() res: Response): Promise<void> {
    const page = await this.frames.page(link, images === '1');
    res.set({
      'Content-Security-Policy': page.contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'private, no-store',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.type('text/html; charset=utf-8').send(page.html);
  }
}
