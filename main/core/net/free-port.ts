// A TCP port free on a loopback address right now: listen on port 0, read the port the OS gave,
// close. For callers that must name a port before the server using it starts (a Chromium's
// --remote-debugging-port, a rig's config file, a proxy ahead of its server). Another process may
// take it in between; callers that can listen on 0 themselves should.
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
