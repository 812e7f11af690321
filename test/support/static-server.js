// A static file server over the repository on 127.0.0.1 and a free port, for browser pages.
import http from 'node:http';
import sirv from 'sirv';

const ROOT = new URL('../../', import.meta.url).pathname;

export async function startStaticServer(port = 0) {
  const serve = sirv(ROOT, { dev: true, dotfiles: false });
  const server = http.createServer((req, res) => serve(req, res, () => { res.statusCode = 404; res.end('not found'); }));
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
