-- AlterTable
ALTER TABLE "service_providers" ADD COLUMN     "encryption_algorithm" TEXT NOT NULL DEFAULT 'aes256-gcm',
ADD COLUMN     "sign_mode" TEXT NOT NULL DEFAULT 'assertion';

-- CreateTable
CREATE TABLE "saml_message_ids" (
    "key" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "saml_message_ids_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "saml_message_ids_expires_at_idx" ON "saml_message_ids"("expires_at");

