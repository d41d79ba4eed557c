// Prisma CLI configuration. The JS engine ("engine: js") lets `prisma generate` and `migrate diff`
// run offline; no native engine is downloaded. See STACK.md in the design docs and README.
import { defineConfig } from "prisma/config";

// The CLI needs *some* DATABASE_URL or it tries to download native engines; the adapter below
// decides where commands actually run.
process.env.DATABASE_URL ??= "postgresql://localhost/idp_gateway_cli_placeholder";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    return new PrismaPGlite(new PGlite());
  },
});
