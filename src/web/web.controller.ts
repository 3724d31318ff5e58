import { Controller, Get, Param, Res } from '@nestjs/common';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { DomainError } from '../common/domain-error';
import { loadVendorModule, loadWebAssets, UI_SECURITY_HEADERS, WebAsset } from './web-assets';

/**
 * The browser UI: one page at / and its files under /ui/, with preact + htm from node_modules at
 * /ui/vendor/htm-preact.js. It talks to the public API only.
 */
@Controller()
@Public()
export class WebController {
  private readonly assets = loadWebAssets();
  private readonly vendor = loadVendorModule();

  @Get()
  index(@Res() res: Response): void {
    send(res, this.assets.get('index.html')!);
  }

  @Get('ui/vendor/htm-preact.js')
  vendorModule(@Res() res: Response): void {
    send(res, this.vendor);
  }

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
