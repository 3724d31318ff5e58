import { Injectable } from '@nestjs/common';
import { Resolver } from 'node:dns/promises';
import { DnsResolver } from './dns-records';

/** The system resolver, behind one seam so that tests answer from a table instead of the internet. */
@Injectable()
export class DnsLookup {
  resolver: DnsResolver = new Resolver({ timeout: 3000, tries: 2 });
}
