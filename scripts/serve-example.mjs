// `npm run example`: serves the repository on 127.0.0.1 and prints the example page's address.
import { startStaticServer } from '../test/support/static-server.js';

const port = Number(process.env.PORT ?? 8080);
const { url } = await startStaticServer(port);
console.log(`PILOT browser example: ${url}/examples/browser/index.html  (Ctrl-C to stop)`);
