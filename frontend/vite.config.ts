/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { parseEnv } from './src/config/env';

/**
 * Puts the entry stylesheet into index.html as a <style> element. It is small (about 4 kB
 * gzip) and every page needs it before the first paint; as a <link> it costs a render-blocking
 * round trip (about 150 ms on Lighthouse's mobile network). The file stays in dist/ for the
 * manifest.
 */
function inlineEntryCss(): Plugin {
  return {
    name: 'agora:inline-entry-css',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        let out = html;
        for (const [fileName, output] of Object.entries(ctx.bundle ?? {})) {
          if (output.type !== 'asset' || !fileName.endsWith('.css')) continue;
          const link = new RegExp(`<link rel="stylesheet"[^>]*href="/${fileName}"[^>]*>`);
          const css = String(output.source).replace(/<\/style/gi, '<\\/style');
          out = out.replace(link, () => `<style>${css}</style>`);
        }
        return out;
      },
    },
  };
}

const PROXIED_PREFIXES = ['/api', '/media', '/admin', '/static', '/health'];

export default defineConfig(({ mode }) => {
  // Settings may come from .env files or the shell; the shell wins.
  const raw: Record<string, string | undefined> = { ...loadEnv(mode, process.cwd(), 'VITE_') };
  for (const [key, value] of Object.entries(process.env))
    if (key.startsWith('VITE_')) raw[key] = value;
  const backend = raw.VITE_BACKEND_URL || 'http://127.0.0.1:8000';
  // Validated once here (zod) and inlined, so a bad setting stops the build.
  const appEnv = parseEnv(raw);

  return {
    base: '/',
    plugins: [react(), inlineEntryCss()],
    define: { __AGORA_ENV__: JSON.stringify(appEnv) },
    resolve: {
      alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
    },
    server: {
      proxy: Object.fromEntries(
        PROXIED_PREFIXES.map((prefix) => [prefix, { target: backend, changeOrigin: true }]),
      ),
    },
    build: {
      outDir: 'dist',
      assetsDir: 'assets',
      // The manifest lets scripts/bench-size.mjs find the chunks each route loads.
      manifest: true,
      sourcemap: false,
    },
    test: {
      globals: true,
      environment: 'jsdom',
      setupFiles: ['./src/test/setup.ts'],
      include: ['src/**/*.test.{ts,tsx}'],
      // Form tests type like a person; on a busy 2-core CI box that takes a few seconds.
      testTimeout: 30_000,
      css: { modules: { classNameStrategy: 'non-scoped' } },
      coverage: {
        provider: 'v8',
        include: ['src/**/*.{ts,tsx}'],
        exclude: ['src/**/*.test.{ts,tsx}', 'src/test/**', 'src/main.tsx', 'src/**/*.d.ts'],
        reporter: ['text-summary', 'text', 'json-summary'],
        thresholds: { lines: 70 },
      },
    },
  };
});
