-- Upstream SAML 2.0 IdPs beside the OpenID Connect ones: a protocol per IdP, the SAML IdP's SSO URL
-- and signing certificates; the OIDC-only columns become optional. Existing rows stay OIDC.
-- AlterTable
ALTER TABLE "upstream_idps" ADD COLUMN "protocol" TEXT NOT NULL DEFAULT 'oidc',
ADD COLUMN "sso_url" TEXT,
ADD COLUMN "certificates" TEXT[] DEFAULT ARRAY[]::TEXT[],
ALTER COLUMN "client_id" DROP NOT NULL,
ALTER COLUMN "client_secret_enc" DROP NOT NULL;

-- AlterTable
ALTER TABLE "upstream_login_states" ADD COLUMN "request_id" TEXT,
ALTER COLUMN "nonce" DROP NOT NULL,
ALTER COLUMN "code_verifier" DROP NOT NULL;
