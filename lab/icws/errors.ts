// ICWS error bodies: always `{errorId, message}` (+ `errorCode` / `propertyName` where the docs show them).
// Ids follow the vendor's dotted `error.<area>.<detail>` style; lab/README.md says where each comes from.

export interface IcwsErrorBody {
  errorId: string;
  errorCode?: number;
  message: string;
  propertyName?: string;
  alternateHostList?: string[];
}

export interface IcwsErrorReply {
  status: number;
  body: IcwsErrorBody;
  headers?: Record<string, string>;
}

/** 401 challenge of every session call [ICWS-17]. */
export const WWW_AUTHENTICATE = 'ICWS realm="ICWS" location="/ICWS/connection"';

function reply(status: number, body: IcwsErrorBody, headers?: Record<string, string>): IcwsErrorReply {
  return headers ? { status, body, headers } : { status, body };
}

export const icwsErrors = {
  /** icws.md §1: the exact body a real server sends for bad credentials. Key order kept. */
  authenticationFailure: (): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.connection.authenticationFailure',
      errorCode: -2147221503,
      message: 'The authentication process failed.',
    }),
  singleSignOnFailure: (): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.connection.singleSignOn.failure',
      message: 'The single sign-on token is not valid.',
    }),
  /** PUT …/connection/station naming a workstation the server does not know (lab wording). */
  stationNotFound: (workstation: string): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.connection.station.notFound',
      message: `The station '${workstation}' could not be found.`,
      propertyName: 'workstation',
    }),
  icAuthNotAllowed: (): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.connection.icAuthNotAllowed',
      message: 'IC authentication is not allowed on this server.',
    }),
  /** seed 000: "The I3_FEATURE_ICWS_SDK license must be available on the Interaction Center server
   *  for ICWS connections to be established." The vendor pages give no sample body for it; the
   *  errorId and wording are the lab's, in the vendor's `error.request.connection.*` style [ICWS-26]. */
  icwsSdkLicenseMissing: (): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.connection.licenseNotAvailable',
      message: 'The I3_FEATURE_ICWS_SDK license is not available on this Interaction Center server. Contact your system administrator.',
    }),
  // seed 000: 503 + alternateHostList when this Session Manager does not take connections [ICWS-06]
  notAcceptingConnections: (alternateHostList: string[]): IcwsErrorReply =>
    reply(503, {
      alternateHostList,
      errorId: 'error.server.notAcceptingConnections',
      message: 'This Session Manager is not currently accepting connections.',
    }),
  missingAcceptLanguage: (): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.missingHeader',
      message: 'The Accept-Language header is required and must name a language.',
      propertyName: 'Accept-Language',
    }),
  unsupportedMediaType: (): IcwsErrorReply =>
    reply(415, {
      errorId: 'error.request.unsupportedMediaType',
      message: 'The request body must be application/vnd.inin.icws+JSON or application/json.',
    }),
  invalidRepresentation: (message: string, propertyName?: string): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.invalidRepresentation',
      message,
      ...(propertyName === undefined ? {} : { propertyName }),
    }),
  missingProperty: (propertyName: string): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.invalidRepresentation.missingProperty',
      message: `The required property '${propertyName}' is missing.`,
      propertyName,
    }),
  entityTooLarge: (limit: number): IcwsErrorReply =>
    reply(413, {
      errorId: 'error.request.entityTooLarge',
      message: `The request body exceeds ${limit} bytes.`,
    }),
  // Messages a real server sends for an unknown session id / a missing token (errorCode 1 / 2), as
  // observed by gildas/Posh-IC's tests against a live IC server.
  sessionRequired: (): IcwsErrorReply =>
    reply(401, { errorId: 'error.request.unauthorized.session', errorCode: 1, message: 'This request requires a session ID!' }, {
      'WWW-Authenticate': WWW_AUTHENTICATE,
    }),
  csrfTokenRequired: (): IcwsErrorReply =>
    reply(
      401,
      {
        errorId: 'error.request.unauthorized.csrfToken',
        errorCode: 2,
        message: 'An authentication token was expected in the request, but not found.',
      },
      { 'WWW-Authenticate': WWW_AUTHENTICATE },
    ),
  accessDenied: (message: string): IcwsErrorReply => reply(403, { errorId: 'error.request.accessDenied', message }),
  notFound: (): IcwsErrorReply =>
    reply(404, { errorId: 'error.request.resourceNotFound', message: 'The requested resource does not exist.' }),
  userNotFound: (userId: string): IcwsErrorReply =>
    reply(404, { errorId: 'error.request.user.notFound', message: `The user '${userId}' does not exist.`, propertyName: 'userId' }),
  methodNotAllowed: (allow: string[]): IcwsErrorReply =>
    reply(405, { errorId: 'error.request.methodNotAllowed', message: 'The method is not allowed on this resource.' }, {
      Allow: allow.join(', '),
    }),
  unknownStatus: (): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.status.invalidStatusId',
      message: 'The status does not exist.',
      propertyName: 'statusId',
    }),
  statusNotAllowed: (): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.status.statusNotAllowed',
      message: 'The user is not allowed to set this status.',
      propertyName: 'statusId',
    }),
  unknownUserIds: (): IcwsErrorReply =>
    reply(400, {
      errorId: 'error.request.user.notFound',
      message: 'One or more user ids do not exist.',
      propertyName: 'userIds',
    }),
  internal: (): IcwsErrorReply => reply(500, { errorId: 'error.server.internal', message: 'The server failed to process the request.' }),
} as const;
