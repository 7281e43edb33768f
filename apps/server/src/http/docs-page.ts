import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';

/** A static file of the docs page. */
export interface StaticAsset {
  type: string;
  body: Buffer;
}

const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>catserve API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  <style>body { margin: 0 }</style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/initializer.js"></script>
</body>
</html>
`;

const INITIALIZER_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
`;

/** Content-Security-Policy of the docs page: everything from this server, nothing from a CDN. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/**
 * The interactive docs (Swagger UI from the installed swagger-ui-dist, no CDN): a fixed set of
 * files keyed by name, so a request path never reaches the file system. Files are read once.
 */
export function createDocsAssets(): (name: string) => StaticAsset | undefined {
  const dir = getAbsoluteFSPath();
  const cache = new Map<string, StaticAsset>([
    ['', { type: 'text/html; charset=utf-8', body: Buffer.from(INDEX_HTML) }],
    ['initializer.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(INITIALIZER_JS) }],
  ]);
  return (name) => {
    const hit = cache.get(name);
    if (hit) return hit;
    if (!Object.hasOwn(SWAGGER_FILES, name)) return undefined;
    const type = SWAGGER_FILES[name]!;
    const asset = { type, body: readFileSync(join(dir, name)) };
    cache.set(name, asset);
    return asset;
  };
}
