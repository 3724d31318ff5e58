import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { ApiErrors } from '../common/api-errors';
import { DomainError } from '../common/domain-error';
import { loadVendorModule, loadWebAssets, UI_SECURITY_HEADERS, WebAsset } from './web-assets';

/**
 * The browser UI: one page at / and its files under /ui/, with preact + htm from node_modules at
 * /ui/vendor/htm-preact.js. It talks to the public API only.
 */
@ApiTags('web ui')
@Controller()
@Public()
export class WebController {
  private readonly assets = loadWebAssets();
  private readonly vendor = loadVendorModule();

  @ApiOkResponse({ description: 'The browser UI’s page', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiErrors(500)
  @Get()
  index(@Res() res: Response): void {
    send(res, this.assets.get('index.html')!);
  }

  @ApiOkResponse({ description: 'preact + htm as one ES module, from node_modules', content: { 'text/javascript': { schema: { type: 'string' } } } })
  @ApiErrors(500)
  @Get('ui/vendor/htm-preact.js')
  vendorModule(@Res() res: Response): void {
    send(res, this.vendor);
  }

  @ApiOkResponse({ description: 'One of the UI’s files', content: Object.fromEntries(['text/javascript', 'text/css', 'image/svg+xml'].map((type) => [type, { schema: { type: 'string' } }])) })
  @ApiErrors(404)
  @Get('ui/:name')
  asset(@Param('name') name: string, @Res() res: Response): void {
    const asset = name === 'index.html' ? undefined : this.assets.get(name);
    if (!asset) throw DomainError.notFound('File');
    send(res, asset);
  }
}

function send(res: Response, asset: WebAsset): void {
  res.set(UI_SECURITY_HEADERS);
  res.type(asset.contentType);
  res.send(asset.body);
}
