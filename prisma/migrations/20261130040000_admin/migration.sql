-- AlterTable
ALTER TABLE "role_mappings" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "sts_identity_providers" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

