// The app:// request handler (DESIGN.md "Shells": renderer served from a custom app:// protocol, not
// file://). No electron import: main.ts passes net.fetch in, tests pass a plain file reader.
import { pathToFileURL } from 'node:url';
import { CSP, resolveAppPath } from './policy.ts';

/** Fetches a file:// URL (Electron's `net.fetch` in the app; a test reader under plain Node). */
export type FileFetcher = (fileUrl: string) => Promise<Response>;

function notFound(): Response {
  return new Response('Not found', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' },
  });
}

/** Serves `rootDir` over app://; every response carries the CSP; traversal and misses answer 404. */
export function createAppProtocolHandler(rootDir: string, fetchFile: FileFetcher): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound();
    const path = resolveAppPath(rootDir, request.url);
    if (path === null) return notFound();
    let file: Response;
    try {
      file = await fetchFile(pathToFileURL(path).href);
    } catch {
      return notFound(); // missing file or a directory
    }
    if (!file.ok) return notFound();
    const headers = new Headers(file.headers);
    headers.set('Content-Security-Policy', CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(request.method === 'HEAD' ? null : file.body, { status: 200, headers });
  };
}
