-- Group mappers of upstream IdPs: "claim (OIDC) or attribute (SAML) `claim` holds `value`" puts the
-- user in a local group; the mapped groups are then managed by the upstream at each sign-in.
-- CreateTable
CREATE TABLE "upstream_group_mappings" (
    "id" UUID NOT NULL,
    "upstream_id" UUID NOT NULL,
    "claim" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "group_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "upstream_group_mappings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "upstream_group_mappings_group_id_idx" ON "upstream_group_mappings"("group_id");

-- CreateIndex
CREATE UNIQUE INDEX "upstream_group_mappings_upstream_id_claim_value_group_id_key" ON "upstream_group_mappings"("upstream_id", "claim", "value", "group_id");

-- AddForeignKey
ALTER TABLE "upstream_group_mappings" ADD CONSTRAINT "upstream_group_mappings_upstream_id_fkey" FOREIGN KEY ("upstream_id") REFERENCES "upstream_idps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "upstream_group_mappings" ADD CONSTRAINT "upstream_group_mappings_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;
