import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on 127.0.0.1 that keeps what it is sent. */
export interface SmtpSink {
  /** `smtp://127.0.0.1:PORT` for SMTP_URL. */
  url: URL;
  /** Each accepted message as it arrived, in order. */
  raw: string[];
  /** The accepted messages read by mailparser. */
  parsed(): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/**
 * Starts a sink on a free port: no TLS, no authentication needed, as a
 * relay inside a test. `refuse` answers 451 to a message instead.
 */
export async function startSmtpSink(
  options: { refuse?: (raw: string) => boolean } = {},
): Promise<SmtpSink> {
  const raw: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (options.refuse?.(text)) {
          const error = new Error('try again later') as Error & {
            responseCode: number;
          };
          error.responseCode = 451;
          callback(error);
          return;
        }
        raw.push(text);
        callback();
      });
    },
  });
  // A client that dies mid-message (a killed worker) resets its
  // connection; the server reports that, and drops what it had.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: new URL(`smtp://127.0.0.1:${port}`),
    raw,
    parsed: () => Promise.all(raw.map((text) => simpleParser(text))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
