-- AlterTable
ALTER TABLE "users" ADD COLUMN     "session_epoch" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "web_sessions" ADD COLUMN     "user_epoch" INTEGER NOT NULL DEFAULT 0;

