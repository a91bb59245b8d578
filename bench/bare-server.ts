// The baseline: a node:http server that sends the same bytes as one page
// of directory search to every request, doing nothing else. The page
// arrives on standard input so this file holds no copy of it.
import { createServer } from 'node:http';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk as Buffer);
}
const body = Buffer.concat(chunks);
const contentType = process.env.CONTENT_TYPE ?? 'text/html; charset=utf-8';

createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': contentType,
    'content-length': body.length,
  });
  response.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');

process.once('SIGTERM', () => process.exit(0));
