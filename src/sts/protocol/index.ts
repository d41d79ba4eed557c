// Public face of the STS wire layer (awsQuery parsing, validation, XML/JSON rendering, AWS
// error codes). Action files use defineAction + stsActionParams; app.ts mounts stsRouter.
export { stsHandler, stsRouter, STS_API_VERSION, type StsRouterOptions, type StsAuditEvent, type StsLogger } from "./router.ts";
export {
  defineAction,
  type ActionDefinition,
  type ActionContext,
  type AnyAction,
  type AuthMode,
  type RequestVerifier,
  type SignableRequest,
  type SignedCaller,
} from "./action.ts";
export { StsError, StsErrors, STS_ERROR_STATUS, STS_XMLNS, AWS_FAULT_XMLNS, isStsErrorCode, type StsErrorCode, type FaultType } from "./errors.ts";
export { toStsError } from "./error-mapping.ts";
export { stsParams, stsActionParams } from "./params/sts-params.ts";
export { checkSessionTags, type SessionTag } from "./params/session-tags.ts";
export { Param, StringParam, IntegerParam, ListParam, StructParam, readParams, type Infer, type Shape, type Pattern } from "./params/schema.ts";
export { parseQueryRequest, MAX_PARAMETERS, type QueryRequest } from "./parse.ts";
export { successResponse, errorResponse, negotiateFormat, type WireFormat, type WireResponse } from "./serialize.ts";
export { escapeXml } from "./xml.ts";
export { DEFAULT_MAX_BODY_BYTES } from "./body.ts";
