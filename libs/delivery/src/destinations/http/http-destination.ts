import { requestHeaders } from '../../outbound-request';
import type { Sender, SendResult, SignedMessage } from '../destination';
import { HttpSender, type SenderOptions } from './http-sender';

/** An endpoint with no `destination`: its deliveries are POSTed to its URL, with its custom headers. */
export interface HttpTarget {
  type: 'http';
  url: string;
  headers: Record<string, string>;
}

/** POSTs the signed message to the target's URL (SSRF-guarded, with timeouts: `HttpSender`). */
export class HttpDestination implements Sender<HttpTarget> {
  private readonly sender: HttpSender;
  private readonly userAgent: string;

  constructor(options: SenderOptions & { userAgent: string }) {
    this.sender = new HttpSender(options);
    this.userAgent = options.userAgent;
  }

  deliver(target: HttpTarget, message: SignedMessage): Promise<SendResult> {
    return this.sender.send(
      target.url,
      requestHeaders(target.headers, this.userAgent, message),
      message.body,
    );
  }

  close(): Promise<void> {
    return this.sender.close();
  }
}
