import { Injectable, Logger } from '@nestjs/common';
import { arc, dkimVerify, dmarc, spf } from 'mailauth';
import type { DNSResolver } from 'mailauth';
import { AppConfig } from '../config/app-config';
import { ParsedMessage } from '../mail/parse-message';
import {
  aligned,
  asResult,
  AuthenticationChecks,
  AuthResult,
  clientOfTopReceived,
  domainOf,
  envelopeSender,
  SenderAuthentication,
  senderAuthentication,
  trustedAuthenticationResults,
} from '../mail/sender-authentication';
import { SenderDns } from './sender-dns';

/** However slow the DNS, a message waits at most this long for its verdict (then: temperror). */
const VERIFY_TIMEOUT_MS = 8000;

/**
 * SPF, DKIM, DMARC and ARC of an inbound message, once per message (not per tenant). Our own
 * MTA's Authentication-Results is taken as it is when present; otherwise mailauth verifies,
 * with the client address and HELO of the topmost Received header (the one our MTA wrote) and
 * the envelope sender of the topmost Return-Path. It never throws: a failure is temperror.
 */
@Injectable()
export class SenderAuthenticationService {
  private readonly logger = new Logger(SenderAuthenticationService.name);
  private readonly resolver: DNSResolver;

  constructor(
    private readonly config: AppConfig,
    dns: SenderDns,
  ) {
    this.resolver = (name, type) => dns.resolve(name, type) as Promise<string[][] | string[]>;
  }

  async authenticate(raw: Buffer, parsed: ParsedMessage): Promise<SenderAuthentication> {
    const fromDomain = domainOf(parsed.from?.address ?? '');
    const trusted = trustedAuthenticationResults(parsed.headers, this.config.authservId, fromDomain);
    if (trusted !== null) return senderAuthentication(trusted);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SenderAuthentication>((resolve) => {
      timer = setTimeout(() => resolve({ verdict: 'temperror', details: `verification took over ${VERIFY_TIMEOUT_MS / 1000} s (mailauth)` }), VERIFY_TIMEOUT_MS);
    });
    try {
      const verified = this.verify(raw, parsed, fromDomain).then((checks) => senderAuthentication(checks, this.config.arcTrustedSealers));
      return await Promise.race([verified, timeout]);
    } catch (error) {
      this.logger.warn(`sender authentication failed: ${(error as Error).message}`);
      return { verdict: 'temperror', details: `verification error: ${(error as Error).message}`.slice(0, 255) };
    } finally {
      clearTimeout(timer);
    }
  }

  private async verify(raw: Buffer, parsed: ParsedMessage, fromDomain: string | null): Promise<AuthenticationChecks> {
    const resolver = this.resolver;
    const client = clientOfTopReceived(parsed.headers);
    const sender = envelopeSender(parsed.headers);
    const [dkim, spfResult] = await Promise.all([
      dkimVerify(raw, { resolver, ...(sender ? { sender } : {}) }),
      client ? spf({ ip: client.ip, helo: client.helo ?? undefined, sender: sender || undefined, mta: this.config.authservId, resolver }) : null,
    ]);
    const signatures = dkim.results.filter((r) => r.signingDomain);
    const arcResult = dkim.arc?.chain ? await arc({ ...dkim.arc, chain: dkim.arc.chain }, { resolver }) : null;
    const dmarcResult =
      dkim.headerFrom?.length > 0
        ? await dmarc({
            headerFrom: dkim.headerFrom,
            spfDomains: spfResult?.status.result === 'pass' ? [spfResult.domain] : [],
            dkimDomains: signatures.filter((r) => r.status.result === 'pass').map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
            ...(arcResult ? { arcResult } : {}),
            resolver,
          })
        : false;
    return {
      spf: spfResult ? { result: asResult(spfResult.status.result), aligned: aligned(spfResult.domain, fromDomain) } : null,
      dkim: signatures.map((r) => ({ result: asResult(r.status.result), aligned: r.status.aligned === undefined ? aligned(r.signingDomain, fromDomain) : Boolean(r.status.aligned) })),
      dmarc: dmarcResult ? asResult(dmarcResult.status.result) : null,
      arc: arcResult ? asResult(arcResult.status.result) : null,
      arcSealer: arcResult && arcResult.signature ? arcResult.signature.signingDomain : null,
      arcDmarc: sealerDmarc(arcResult),
      by: 'mailauth',
    };
  }
}

/** The DMARC result the newest ARC sealer recorded (its ARC-Authentication-Results). */
function sealerDmarc(arcResult: { authenticationResults?: Record<string, unknown> } | null): AuthResult | null {
  const dmarc = arcResult?.authenticationResults?.dmarc as { result?: unknown } | undefined;
  return typeof dmarc?.result === 'string' ? asResult(dmarc.result) : null;
}
