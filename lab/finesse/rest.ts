// Finesse REST (Desktop APIs) of one node: XML in/out, Basic or Bearer on every call, 202 + an XMPP
// notification for state changes, ApiErrors bodies. From the Finesse Web Services Developer Guide
// 12.5(1) and the Client Integration guide (shared/protocols/finesse.md §1, §4). Tables: lab/README.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FinesseCluster, FinesseRequestRecord, UserRuntime } from './cluster.ts';
import { firstHeader, mediaType, readBody, send } from './http-io.ts';
import { XML_CONTENT_TYPE, apiErrorsXml, buildXml, childText, parseXml } from './xml.ts';
import type { ApiError } from './xml.ts';

export interface RestNode {
  readonly name: string;
  readonly cluster: FinesseCluster;
  /** IN_SERVICE or OUT_OF_SERVICE (and the reason shown in SystemInfo). */
  serviceStatus(): { status: 'IN_SERVICE' | 'OUT_OF_SERVICE'; reason: string };
  systemInfo(): Record<string, unknown>;
  readonly settings: RestSettings;
}

export interface RestSettings {
  /** INFERRED: the desktop reads SystemInfo before sign-in, so 'none' by default. */
  systemInfoAuth: 'none' | 'required';
  /** [UAM] 403 "UserAuthModeService is disabled" when false. */
  userAuthModeService: boolean;
  /** DG 12.5: reasonCodeId is "required if reason codes are configured for the given state" (NOT_READY, LOGOUT). */
  requireLogoutReason: boolean;
  maxBodyBytes: number;
}

export interface RestCtx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  record: FinesseRequestRecord;
}

const ERR = {
  outOfService: { errorType: 'Service Unavailable', errorMessage: 'SERVER_OUT_OF_SERVICE' },
  unauthorized: (who: string): ApiError => ({ errorType: 'Authorization Failure', errorMessage: 'UNAUTHORIZED', errorData: who }),
  otherUser: { errorType: 'Invalid Authorization User Specified', errorMessage: 'The user is not authorized to perform this operation' },
  notFound: (what: string): ApiError => ({ errorType: 'Not Found', errorMessage: `${what} not found` }),
  badRequest: (message: string): ApiError => ({ errorType: 'Bad Request', errorMessage: message }),
  stateMissing: { errorType: 'Parameter Missing', errorData: 'state', errorMessage: 'State Parameter missing' },
  stateInvalid: { errorType: 'Invalid Input', errorData: 'state', errorMessage: 'Invalid State specified for user' },
  extensionMissing: { errorType: 'Parameter Missing', errorData: 'extension', errorMessage: 'Extension Parameter missing' },
  extensionInvalid: { errorType: 'Invalid Input', errorData: 'extension', errorMessage: 'Invalid extension specified' },
  reasonRequired: { errorType: 'Parameter Missing', errorData: 'finesse.api.reasoncode.require_reasoncode', errorMessage: 'The state change requires a valid reason code.' },
  reasonNotValid: { errorType: 'Invalid Input', errorData: 'finesse.api.reasoncode.not_valid', errorMessage: 'The Reason Code specified in the request does not exist' },
  reasonNotAllowed: { errorType: 'Invalid Input', errorData: 'finesse.api.reasoncode.not_allowed', errorMessage: 'For this operation, Reason Codes are not allowed.' },
  categoryMissing: { errorType: 'Bad Request', errorData: 'category', errorMessage: 'The category parameter is required (NOT_READY, LOGOUT or ALL)' },
  actionInvalid: { errorType: 'Invalid Input', errorData: 'requestedAction', errorMessage: 'Invalid requestedAction for this dialog' },
  unsupportedMedia: { errorType: 'Unsupported Media Type', errorMessage: 'Content-Type must be application/xml' },
  tooLarge: { errorType: 'Bad Request', errorMessage: 'Request body too large' },
  methodNotAllowed: { errorType: 'Method Not Allowed', errorMessage: 'HTTP method not allowed on this resource' },
  userAuthModeDisabled: { errorType: 'Forbidden', errorMessage: 'UserAuthModeService is disabled' },
} satisfies Record<string, ApiError | ((x: string) => ApiError)>;

export function xmlReply(node: RestNode, ctx: RestCtx, status: number, body: string, headers: Record<string, string> = {}): void {
  ctx.record.status = status;
  send(ctx.res, status, `${XML_CONTENT_TYPE};charset=UTF-8`, body, { date: new Date(node.cluster.now()), headers });
}

export function apiError(node: RestNode, ctx: RestCtx, status: number, error: ApiError, headers: Record<string, string> = {}): void {
  xmlReply(node, ctx, status, apiErrorsXml([error]), headers);
}

function accepted(node: RestNode, ctx: RestCtx): void {
  ctx.record.status = 202;
  send(ctx.res, 202, undefined, '', { date: new Date(node.cluster.now()) });
}

function challenge(node: RestNode): Record<string, string> {
  return { 'WWW-Authenticate': node.cluster.options.systemAuthMode === 'SSO' ? 'Bearer realm="Cisco Finesse"' : 'Basic realm="Cisco Finesse"' };
}

/** FIN-11: every call carries Basic (NON_SSO users) or Bearer (SSO users). */
function authenticate(node: RestNode, ctx: RestCtx): UserRuntime | undefined {
  const header = firstHeader(ctx.req.headers.authorization);
  const cluster = node.cluster;
  if (header === undefined || header.trim() === '') {
    ctx.record.auth = 'none';
    apiError(node, ctx, 401, ERR.unauthorized(''), challenge(node));
    return undefined;
  }
  const space = header.indexOf(' ');
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const credentials = space === -1 ? '' : header.slice(space + 1).trim();
  if (scheme === 'basic') {
    ctx.record.auth = 'basic';
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const name = colon === -1 ? decoded : decoded.slice(0, colon);
    const verdict = colon === -1 ? ({ ok: false, reason: 'bad-credentials' } as const) : cluster.checkPassword(name, decoded.slice(colon + 1));
    if (!verdict.ok) {
      ctx.record.authResult = verdict.reason;
      apiError(node, ctx, 401, ERR.unauthorized(name), challenge(node));
      return undefined;
    }
    ctx.record.authResult = 'ok';
    return verdict.value;
  }
  if (scheme === 'bearer') {
    ctx.record.auth = 'bearer';
    const verdict = cluster.checkToken(credentials);
    if (!verdict.ok) {
      ctx.record.authResult = verdict.reason;
      apiError(node, ctx, 401, ERR.unauthorized(''), challenge(node));
      return undefined;
    }
    ctx.record.authResult = 'ok';
    return verdict.value;
  }
  ctx.record.auth = 'other';
  apiError(node, ctx, 401, ERR.unauthorized(''), challenge(node));
  return undefined;
}

/** The User a path names. UCCE: only GET /User/<loginName> may use the loginName (FIN-10 lookup). */
function pathUser(node: RestNode, id: string, allowLoginName: boolean): UserRuntime | undefined {
  const byId = node.cluster.byLoginId(id);
  if (byId !== undefined) return byId;
  if (!allowLoginName) return undefined;
  const lower = id.toLowerCase();
  for (const u of node.cluster.users.values()) if (u.user.loginName.toLowerCase() === lower) return u;
  return undefined;
}

async function readXml(node: RestNode, ctx: RestCtx, expectedRoot: string): Promise<unknown> {
  if (mediaType(ctx.req.headers['content-type']) !== XML_CONTENT_TYPE) {
    apiError(node, ctx, 415, ERR.unsupportedMedia);
    return undefined;
  }
  const body = await readBody(ctx.req, node.settings.maxBodyBytes);
  if (body.kind === 'too-large') {
    apiError(node, ctx, 413, ERR.tooLarge, { Connection: 'close' });
    return undefined;
  }
  if (body.kind === 'aborted') return undefined;
  const parsed = parseXml(body.text);
  if (!parsed.ok) {
    const message =
      parsed.reason === 'doctype' || parsed.reason === 'entity'
        ? 'DOCTYPE and entity declarations are not allowed'
        : parsed.reason === 'empty'
          ? 'Request body is empty'
          : 'Malformed XML in request body';
    apiError(node, ctx, 400, ERR.badRequest(message));
    return undefined;
  }
  if (parsed.root !== expectedRoot || typeof parsed.value !== 'object' || parsed.value === null) {
    apiError(node, ctx, 400, ERR.badRequest(`Expected a <${expectedRoot}> element`));
    return undefined;
  }
  return parsed.value;
}

function userAuthMode(node: RestNode, ctx: RestCtx, name: string): void {
  if (!node.settings.userAuthModeService) return apiError(node, ctx, 403, ERR.userAuthModeDisabled);
  const u = node.cluster.byName(name);
  if (u === undefined) return apiError(node, ctx, 404, ERR.notFound('User'));
  xmlReply(node, ctx, 200, buildXml('UserAuthMode', { authMode: node.cluster.effectiveAuthMode(u) }));
}

async function putUser(node: RestNode, ctx: RestCtx, u: UserRuntime): Promise<void> {
  const body = await readXml(node, ctx, 'User');
  if (body === undefined) return;
  const cluster = node.cluster;
  const state = childText(body, 'state');
  if (state === undefined || state === '') return apiError(node, ctx, 400, ERR.stateMissing);
  const reasonCodeId = childText(body, 'reasonCodeId');
  const requestId = firstHeader(ctx.req.headers['requestid']) ?? '';
  if (requestId !== '') ctx.record.requestId = requestId;
  switch (state) {
    case 'LOGIN': {
      const extension = childText(body, 'extension');
      if (extension === undefined || extension === '') return apiError(node, ctx, 400, ERR.extensionMissing);
      if (!/^[0-9A-Za-z*#+]{1,32}$/.test(extension)) return apiError(node, ctx, 400, ERR.extensionInvalid);
      accepted(node, ctx);
      cluster.later(() => cluster.applyAgentRequest(u, { state: 'LOGIN', extension }, requestId));
      return;
    }
    case 'READY': {
      // INFERRED from the reason-code error family: READY takes no reason code.
      if (reasonCodeId !== undefined && reasonCodeId !== '') return apiError(node, ctx, 400, ERR.reasonNotAllowed);
      accepted(node, ctx);
      cluster.later(() => cluster.applyAgentRequest(u, { state: 'READY' }, requestId));
      return;
    }
    case 'NOT_READY':
    case 'LOGOUT': {
      const codes = cluster.reasonCodesFor(u, state);
      const required = codes.length > 0 && (state === 'NOT_READY' || node.settings.requireLogoutReason);
      if (reasonCodeId === undefined || reasonCodeId === '') {
        if (required) return apiError(node, ctx, 400, ERR.reasonRequired);
        accepted(node, ctx);
        cluster.later(() => cluster.applyAgentRequest(u, { state }, requestId));
        return;
      }
      // reasonCodeId is the database id (…/ReasonCode/{id}), not the code.
      if (!codes.some((r) => r.id === reasonCodeId)) return apiError(node, ctx, 400, ERR.reasonNotValid);
      accepted(node, ctx);
      cluster.later(() => cluster.applyAgentRequest(u, { state, reasonCodeId }, requestId));
      return;
    }
    default:
      return apiError(node, ctx, 400, ERR.stateInvalid);
  }
}

async function putDialog(node: RestNode, ctx: RestCtx, me: UserRuntime, dialogId: string): Promise<void> {
  const found = node.cluster.findDialog(dialogId);
  if (found === undefined) return apiError(node, ctx, 404, ERR.notFound('Dialog'));
  if (found.u !== me) return apiError(node, ctx, 401, ERR.otherUser);
  const body = await readXml(node, ctx, 'Dialog');
  if (body === undefined) return;
  const action = childText(body, 'requestedAction');
  const target = childText(body, 'targetMediaAddress');
  if (action === undefined || action === '') return apiError(node, ctx, 400, { errorType: 'Parameter Missing', errorData: 'requestedAction', errorMessage: 'requestedAction Parameter missing' });
  if (target === undefined || target === '') return apiError(node, ctx, 400, { errorType: 'Parameter Missing', errorData: 'targetMediaAddress', errorMessage: 'targetMediaAddress Parameter missing' });
  if (action !== 'ANSWER' && action !== 'HOLD' && action !== 'RETRIEVE' && action !== 'DROP') return apiError(node, ctx, 400, ERR.actionInvalid);
  // DG 12.5 Dialog—Take Action on Participant: the target is the agent's own device.
  if (target !== me.extension) return apiError(node, ctx, 400, { errorType: 'Invalid Input', errorData: 'targetMediaAddress', errorMessage: 'targetMediaAddress is not a participant of this dialog' });
  const requestId = firstHeader(ctx.req.headers['requestid']) ?? '';
  accepted(node, ctx);
  node.cluster.later(() => {
    if (!node.cluster.dialogAction(found.u, found.d, action, requestId)) {
      node.cluster.publishUserError(found.u, { errorType: 'Invalid State', errorMessage: 'CF_INVALID_OBJECT_STATE', errorData: '22' }, requestId);
    }
  });
}

/** Routes /finesse/api/… ; returns false when the path is not a Finesse API path. */
export async function handleRest(node: RestNode, ctx: RestCtx): Promise<boolean> {
  const path = ctx.url.pathname;
  if (!path.startsWith('/finesse/api/')) return false;
  const method = ctx.req.method ?? 'GET';
  const parts = path.slice('/finesse/api/'.length).split('/').map((p) => decodeURIComponent(p));
  const cluster = node.cluster;
  const [resource, id, sub, subId, extra] = parts;
  const only = (...methods: string[]): boolean => {
    if (methods.includes(method)) return true;
    apiError(node, ctx, 405, ERR.methodNotAllowed, { Allow: methods.join(', ') });
    return false;
  };

  if (resource === 'SystemInfo' && id === undefined) {
    if (!only('GET')) return true;
    if (node.settings.systemInfoAuth === 'required' && authenticate(node, ctx) === undefined) return true;
    xmlReply(node, ctx, 200, buildXml('SystemInfo', node.systemInfo()));
    return true;
  }
  if (node.serviceStatus().status === 'OUT_OF_SERVICE') {
    apiError(node, ctx, 503, ERR.outOfService);
    return true;
  }
  if (resource === 'UserAuthMode' && id !== undefined && id !== '' && sub === undefined) {
    // [UAM] no authentication: the client asks before knowing how to authenticate.
    if (only('GET')) userAuthMode(node, ctx, id);
    return true;
  }

  const me = authenticate(node, ctx);
  if (me === undefined) return true;

  if (resource === 'User' && id !== undefined && id !== '') {
    const isGetUser = sub === undefined && method === 'GET';
    // FIN-10 / Client Integration step 5: UCCE answers GET /User/<loginName> with the User (loginId inside).
    const target = pathUser(node, id, isGetUser && cluster.options.deploymentType === 'UCCE');
    if (target === undefined) {
      apiError(node, ctx, 404, ERR.notFound('User'));
      return true;
    }
    if (target !== me) {
      apiError(node, ctx, 401, ERR.otherUser);
      return true;
    }
    if (sub === undefined) {
      if (!only('GET', 'PUT')) return true;
      if (method === 'GET') xmlReply(node, ctx, 200, buildXml('User', cluster.userObject(me)));
      else await putUser(node, ctx, me);
      return true;
    }
    if (sub === 'ReasonCodes' && subId === undefined) {
      if (!only('GET')) return true;
      const category = ctx.url.searchParams.get('category');
      if (category !== 'NOT_READY' && category !== 'LOGOUT' && category !== 'ALL') {
        apiError(node, ctx, 400, ERR.categoryMissing);
        return true;
      }
      // DG example order: uri, category, code, label, forAll.
      const ordered = cluster.reasonCodesFor(me, category).map((r) => ({ uri: `/finesse/api/ReasonCode/${r.id}`, category: r.category, code: r.code, label: r.label, forAll: String(r.forAll) }));
      xmlReply(node, ctx, 200, buildXml('ReasonCodes', { '@_category': category, ReasonCode: ordered }));
      return true;
    }
    if (sub === 'ReasonCode' && subId !== undefined && extra === undefined) {
      if (!only('GET')) return true;
      const r = cluster.reasonCodesFor(me, 'ALL').find((c) => c.id === subId);
      if (r === undefined) apiError(node, ctx, 404, ERR.notFound('ReasonCode'));
      else xmlReply(node, ctx, 200, buildXml('ReasonCode', { uri: `/finesse/api/ReasonCode/${r.id}`, category: r.category, code: r.code, label: r.label, forAll: String(r.forAll) }));
      return true;
    }
    if (sub === 'Dialogs' && subId === undefined) {
      if (!only('GET')) return true;
      xmlReply(node, ctx, 200, buildXml('Dialogs', { Dialog: [...me.dialogs.values()].map((d) => cluster.dialogObject(me, d)) }));
      return true;
    }
  }
  if (resource === 'ReasonCode' && id !== undefined && sub === undefined) {
    if (!only('GET')) return true;
    const r = cluster.reasonCodesFor(me, 'ALL').find((c) => c.id === id);
    if (r === undefined) apiError(node, ctx, 404, ERR.notFound('ReasonCode'));
    else xmlReply(node, ctx, 200, buildXml('ReasonCode', { uri: `/finesse/api/ReasonCode/${r.id}`, category: r.category, code: r.code, label: r.label, forAll: String(r.forAll), systemCode: 'false' }));
    return true;
  }
  if (resource === 'Dialog' && id !== undefined && sub === undefined) {
    if (!only('PUT')) return true;
    await putDialog(node, ctx, me, id);
    return true;
  }
  apiError(node, ctx, 404, ERR.notFound('Resource'));
  return true;
}
