import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { Logger } from 'pino';

/**
 * Sending e-mail over SMTP with nodemailer. One SMTP transaction per
 * message, on a small pool of reused connections.
 *
 * The sender may be asked once the whole message has gone to the server
 * but before the end-of-data mark (the line with a single dot, RFC 5321
 * section 4.1.1.4) that makes the server take it: `beforeEnd` answers
 * whether to finish. Until that mark a server keeps nothing, so a caller
 * that records "sending" in `beforeEnd` knows that a message still
 * "pending" after a crash never arrived, and can send it again safely.
 */

/** A message to one person, in plain text and HTML. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, such as List-Unsubscribe. */
  headers?: Record<string, string>;
  /** `<…@host>`: the same for every attempt, so duplicates can be seen. */
  messageId: string;
}

export type SendResult =
  { status: 'sent'; response: string } | { status: 'not-sent'; reason: string };

export interface SendOptions {
  /** Asked before the end-of-data mark; false abandons the message. */
  beforeEnd?: () => Promise<boolean>;
}

/** Thrown when `beforeEnd` said no: the server kept nothing. */
export class SendAbandonedError extends Error {
  constructor() {
    super('sending abandoned before the end of the message');
    this.name = 'SendAbandonedError';
  }
}

/**
 * Thrown when sending failed. `afterEnd` says the end-of-data mark had
 * gone, and `rejected` that the server then answered with a refusal (so
 * it did not take the message); afterEnd without rejected means nobody
 * knows whether it did.
 */
export class SendFailedError extends Error {
  constructor(
    message: string,
    readonly afterEnd: boolean,
    readonly rejected: boolean,
  ) {
    super(message);
    this.name = 'SendFailedError';
  }
}

export interface Mailer {
  /** False when no SMTP server is configured: nothing is ever sent. */
  readonly configured: boolean;
  send(email: OutgoingEmail, options?: SendOptions): Promise<SendResult>;
  close(): void;
}

export interface MailerSettings {
  smtpUrl: URL | undefined;
  from: string;
  /** Connections open at once; more sends wait their turn. */
  maxConnections?: number;
  log?: Logger;
}

/** A mailer for the settings: SMTP, or one that logs what it did not send. */
export function createMailer(settings: MailerSettings): Mailer {
  if (!settings.smtpUrl) {
    return {
      configured: false,
      send(email) {
        settings.log?.warn(
          { messageId: email.messageId },
          'e-mail not sent: no mail server configured',
        );
        return Promise.resolve({
          status: 'not-sent',
          reason: 'no mail server configured',
        });
      },
      close() {},
    };
  }
  return new SmtpMailer(settings.smtpUrl, settings.from, settings);
}

const ADDRESS = /<([^<>]+)>\s*$/;

class SmtpMailer implements Mailer {
  readonly configured = true;
  private readonly idle: SMTPConnection[] = [];
  private readonly waiting: (() => void)[] = [];
  private open = 0;
  private closed = false;
  private readonly max: number;

  constructor(
    private readonly url: URL,
    private readonly from: string,
    settings: MailerSettings,
  ) {
    this.max = settings.maxConnections ?? 4;
  }

  async send(email: OutgoingEmail, options: SendOptions = {}) {
    const raw = await new MailComposer({
      from: this.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      headers: email.headers ?? {},
      messageId: email.messageId,
    })
      .compile()
      .build();
    const connection = await this.acquire();
    let afterEnd = false;
    let abandoned = false;
    let handed = false;
    const body = new Readable({
      read() {
        if (!handed) {
          handed = true;
          this.push(raw);
          return;
        }
        // Read again: all of the message is with the connection.
        void (options.beforeEnd?.() ?? Promise.resolve(true)).then(
          (finish) => {
            if (finish) {
              afterEnd = true;
              this.push(null);
            } else {
              abandoned = true;
              this.destroy(new SendAbandonedError());
            }
          },
          (error: unknown) => {
            abandoned = true;
            this.destroy(error as Error);
          },
        );
      },
    });
    const envelope = {
      from: ADDRESS.exec(this.from)?.[1] ?? this.from,
      to: [email.to],
    };
    try {
      const info = await new Promise<SMTPConnection.SentMessageInfo>(
        (resolve, reject) => {
          connection.send(envelope, body, (error, result) =>
            error ? reject(error) : resolve(result),
          );
        },
      );
      this.release(connection, true);
      return { status: 'sent' as const, response: info.response };
    } catch (error) {
      this.release(connection, false);
      if (abandoned) {
        throw error instanceof SendAbandonedError
          ? error
          : new SendAbandonedError();
      }
      const code = (error as SMTPConnection.SMTPError).responseCode;
      throw new SendFailedError(
        (error as Error).message,
        afterEnd,
        typeof code === 'number' && code >= 400,
      );
    }
  }

  close() {
    this.closed = true;
    for (const connection of this.idle.splice(0)) {
      connection.quit();
    }
  }

  private async acquire(): Promise<SMTPConnection> {
    const reuse = this.idle.pop();
    if (reuse) {
      return reuse;
    }
    if (this.open >= this.max) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      return this.acquire();
    }
    this.open += 1;
    try {
      return await this.connect();
    } catch (error) {
      this.open -= 1;
      this.waiting.shift()?.();
      throw new SendFailedError((error as Error).message, false, false);
    }
  }

  private release(connection: SMTPConnection, healthy: boolean) {
    if (healthy && !this.closed) {
      this.idle.push(connection);
    } else {
      this.open -= 1;
      connection.close();
    }
    this.waiting.shift()?.();
  }

  private async connect(): Promise<SMTPConnection> {
    const secure = this.url.protocol === 'smtps:';
    const connection = new SMTPConnection({
      host: this.url.hostname,
      port: Number(this.url.port) || (secure ? 465 : 587),
      secure,
      connectionTimeout: 10_000,
      socketTimeout: 60_000,
    });
    // An idle connection the server closes is dropped from the pool.
    connection.once('end', () => this.forget(connection));
    connection.once('error', () => this.forget(connection));
    await new Promise<void>((resolve, reject) => {
      // A refused connection is reported as an event, not to the callback.
      connection.once('error', reject);
      connection.connect((error) => (error ? reject(error) : resolve()));
    });
    const user = decodeURIComponent(this.url.username);
    if (user) {
      await new Promise<void>((resolve, reject) =>
        connection.login(
          {
            credentials: { user, pass: decodeURIComponent(this.url.password) },
          },
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    }
    return connection;
  }

  private forget(connection: SMTPConnection) {
    const index = this.idle.indexOf(connection);
    if (index >= 0) {
      this.idle.splice(index, 1);
      this.open -= 1;
    }
  }
}
