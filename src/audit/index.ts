export { AuditLog, type AuditEvent, type AuditEventInput, type AuditOutcome, type AuditQuery } from "./audit-log.ts";
