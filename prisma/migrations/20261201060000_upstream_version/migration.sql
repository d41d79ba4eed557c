-- Upstream IdPs are edited in place (admin page, CLI, admin API): a version per row for optimistic
-- concurrency, as every other admin-edited entry has. Existing rows start at 1.
-- AlterTable
ALTER TABLE "upstream_idps" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
