-- CreateTable
CREATE TABLE "sts_sessions" (
    "access_key_id" TEXT NOT NULL,
    "secret_enc" TEXT NOT NULL,
    "token_hash" BYTEA NOT NULL,
    "kind" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "role_arn" TEXT,
    "iam_user_name" TEXT,
    "session_name" TEXT,
    "source_identity" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "transitive_tag_keys" TEXT[],
    "session_policy" JSONB,
    "mfa" BOOLEAN NOT NULL DEFAULT false,
    "chained" BOOLEAN NOT NULL DEFAULT false,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "sts_sessions_pkey" PRIMARY KEY ("access_key_id")
);

-- CreateTable
CREATE TABLE "sts_role_revocations" (
    "role_arn" TEXT NOT NULL,
    "revoked_before" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sts_role_revocations_pkey" PRIMARY KEY ("role_arn")
);

-- CreateTable
CREATE TABLE "sts_saml_replay" (
    "id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sts_saml_replay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iam_users" (
    "id" UUID NOT NULL,
    "account_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "iam_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "iam_access_keys" (
    "access_key_id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "secret_enc" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'Active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "iam_access_keys_pkey" PRIMARY KEY ("access_key_id")
);

-- CreateTable
CREATE TABLE "iam_mfa_devices" (
    "serial_number" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "secret_enc" TEXT NOT NULL,
    "last_step" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "iam_mfa_devices_pkey" PRIMARY KEY ("serial_number")
);

-- CreateIndex
CREATE INDEX "sts_sessions_role_arn_issued_at_idx" ON "sts_sessions"("role_arn", "issued_at");

-- CreateIndex
CREATE INDEX "sts_sessions_expires_at_idx" ON "sts_sessions"("expires_at");

-- CreateIndex
CREATE INDEX "sts_saml_replay_expires_at_idx" ON "sts_saml_replay"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "iam_users_user_id_key" ON "iam_users"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "iam_users_account_id_name_key" ON "iam_users"("account_id", "name");

-- AddForeignKey
ALTER TABLE "iam_access_keys" ADD CONSTRAINT "iam_access_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "iam_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "iam_mfa_devices" ADD CONSTRAINT "iam_mfa_devices_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "iam_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

