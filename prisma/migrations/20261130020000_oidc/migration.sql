-- CreateTable
CREATE TABLE "oidc_artifacts" (
    "model" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "grant_id" TEXT,
    "user_code" TEXT,
    "uid" TEXT,
    "account_id" TEXT,
    "client_id" TEXT,
    "consumed" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "oidc_artifacts_pkey" PRIMARY KEY ("model","id")
);

-- CreateIndex
CREATE INDEX "oidc_artifacts_grant_id_idx" ON "oidc_artifacts"("grant_id");

-- CreateIndex
CREATE INDEX "oidc_artifacts_user_code_idx" ON "oidc_artifacts"("user_code");

-- CreateIndex
CREATE INDEX "oidc_artifacts_uid_idx" ON "oidc_artifacts"("uid");

-- CreateIndex
CREATE INDEX "oidc_artifacts_account_id_model_idx" ON "oidc_artifacts"("account_id", "model");

-- CreateIndex
CREATE INDEX "oidc_artifacts_expires_at_idx" ON "oidc_artifacts"("expires_at");

