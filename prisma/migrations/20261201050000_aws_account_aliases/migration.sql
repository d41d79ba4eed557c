-- CreateTable
CREATE TABLE "aws_accounts" (
    "account_id" TEXT NOT NULL,
    "alias" TEXT NOT NULL,

    CONSTRAINT "aws_accounts_pkey" PRIMARY KEY ("account_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "aws_accounts_alias_key" ON "aws_accounts"("alias");

