import { Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../../common/domain-error';
import { MetricsRegistry } from '../../health/metrics.registry';
import { bodyMacMatches, checkSignatureHeaders, SIGNATURE_HEADER, startBodyMac, TIMESTAMP_HEADER } from '../../mail/webhook-signature';

/** What a sender is told to wait when WEBHOOK_MAX_IN_FLIGHT bodies are already being read. */
const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * The webhook's body is read only for a caller whose headers can be right, never above
 * INBOUND_MAX_BYTES, and for no more than WEBHOOK_MAX_IN_FLIGHT requests at once: an anonymous
 * client can make the service hold neither memory nor a slot. The MAC is computed while the
 * body streams in and compared, in constant time, once it is complete.
 */
@Injectable()
export class SignedWebhookBodies {
  private inFlight = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
  ) {}

  get bodiesInFlight(): number {
    return this.inFlight;
  }

  /** Runs `use` with the verified body. The slot is held until `use` is done, as the body lives that long. */
  async withVerifiedBody<T>(request: Request, response: Response, use: (body: Buffer) => Promise<T>): Promise<T> {
    const headers = checkSignatureHeaders({
      timestamp: request.header(TIMESTAMP_HEADER),
      signature: request.header(SIGNATURE_HEADER),
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (!headers.ok) refuseUnread(response, new DomainError('unauthorized', headers.reason));
    const encoding = request.header('content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      refuseUnread(response, new DomainError('unsupported_media_type', 'The webhook takes the message as it is: no Content-Encoding'));
    }
    const maxBytes = this.config.inboundMaxBytes;
    if (Number(request.header('content-length') ?? 0) > maxBytes) refuseUnread(response, tooLarge(maxBytes));
    if (this.inFlight >= this.config.webhookMaxInFlight) {
      this.metrics.increment('inbound_limit_hits_total', 'Mail refused by a limit', { limit: 'webhook_in_flight' });
      response.setHeader('Retry-After', String(BUSY_RETRY_AFTER_SECONDS));
      refuseUnread(response, new DomainError('unavailable', 'Too many messages are being received at once; retry later'));
    }

    this.inFlight++;
    try {
      const mac = startBodyMac(this.config.webhookSecret, headers.timestamp);
      let body: Buffer;
      try {
        body = await readBody(request, maxBytes, (chunk) => mac.update(chunk));
      } catch (error) {
        response.setHeader('Connection', 'close');
        throw error;
      }
      const check = bodyMacMatches(mac, headers.signature);
      if (!check.ok) throw new DomainError('unauthorized', check.reason);
      return await use(body);
    } finally {
      this.inFlight--;
    }
  }
}

/**
 * Answers without reading the body: `Connection: close` makes Node close the connection after the
 * answer instead of draining what the client still sends.
 */
export function refuseUnread(response: Response, error: DomainError): never {
  response.setHeader('Connection', 'close');
  throw error;
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError('payload_too_large', `The message is larger than INBOUND_MAX_BYTES (${maxBytes} bytes)`);
}

/** The body up to maxBytes, each chunk shown to `onChunk` as it arrives; past the limit it stops reading. */
function readBody(request: Request, maxBytes: number, onChunk: (chunk: Buffer) => void): Promise<Buffer> {
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const detach = () => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const fail = (error: DomainError) => {
      detach();
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) return fail(tooLarge(maxBytes));
      onChunk(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => {
      detach();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => fail(new DomainError('bad_request', `The body could not be read: ${error.message}`));
    const onClose = () => fail(new DomainError('bad_request', 'The client closed the connection before the body was complete'));
    request.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}
