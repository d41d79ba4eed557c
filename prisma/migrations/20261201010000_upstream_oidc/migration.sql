-- CreateTable
CREATE TABLE "upstream_idps" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "client_secret_enc" TEXT NOT NULL,
    "scopes" TEXT[],
    "username_claim" TEXT NOT NULL DEFAULT 'preferred_username',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "upstream_idps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "upstream_links" (
    "upstream_id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "upstream_links_pkey" PRIMARY KEY ("upstream_id","subject")
);

-- CreateTable
CREATE TABLE "upstream_login_states" (
    "state_hash" TEXT NOT NULL,
    "upstream_id" UUID NOT NULL,
    "nonce" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "return_to" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "upstream_login_states_pkey" PRIMARY KEY ("state_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "upstream_idps_slug_key" ON "upstream_idps"("slug");

-- CreateIndex
CREATE INDEX "upstream_links_user_id_idx" ON "upstream_links"("user_id");

-- CreateIndex
CREATE INDEX "upstream_login_states_expires_at_idx" ON "upstream_login_states"("expires_at");

-- AddForeignKey
ALTER TABLE "upstream_links" ADD CONSTRAINT "upstream_links_upstream_id_fkey" FOREIGN KEY ("upstream_id") REFERENCES "upstream_idps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "upstream_links" ADD CONSTRAINT "upstream_links_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "upstream_login_states" ADD CONSTRAINT "upstream_login_states_upstream_id_fkey" FOREIGN KEY ("upstream_id") REFERENCES "upstream_idps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

