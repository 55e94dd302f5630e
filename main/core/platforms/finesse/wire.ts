// Finesse wire types, parsers and pure request builders (protocols/finesse.md §1, §2, §4, §5).
// XML through ./xml.ts (no DTDs, no entity expansion) and zod; every parser throws a typed
// PatchbayError (`finesse.bad-xml`, `finesse.bad-response`, `finesse.sso.bad-token`), never a raw one.
import { z } from 'zod';
import { PatchbayError } from '../../errors.ts';
import { badXml, buildXml, decodeXmlText, parseXml, type XmlBuild, type XmlNode } from './xml.ts';

export const FINESSE_XML = 'application/xml';

// The SSO token answer and URLs (§2) live in ./sso-wire.ts; re-exported for the adapter's imports.
export { jwtExpiry, parseSsoToken, ssoRefreshGetUrl, ssoRefreshPostBody, ssoTokenUrl, type SsoToken } from './sso-wire.ts';

// ------------------------------------------------------------------ zod helpers for the XML tree
/** The text of an element, whether it came as a string or as `{#text, @_attr…}`. */
const text = z.preprocess((v) => {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const t = (v as Record<string, unknown>)['#text'];
    return typeof t === 'string' ? t : Object.keys(v).every((k) => k.startsWith('@_')) ? '' : v;
  }
  return v;
}, z.string());
/** Optional text; an empty element counts as absent. */
const optText = z.preprocess((v) => (v === '' ? undefined : v), text.optional()).transform((v) => (v === '' ? undefined : v));
const optInt = optText.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) {
    ctx.addIssue({ code: 'custom', message: 'not an integer' });
    return z.NEVER;
  }
  return n;
});
const optBool = optText.transform((v) => (v === undefined ? undefined : v.toLowerCase() === 'true'));
/** A repeated element: absent → [], one → [one]. Also accepts an empty container element (''). */
function list<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
}

function requireRoot(tree: XmlNode, root: string, what: string): unknown {
  const value = tree[root.toLowerCase()];
  if (value === undefined) throw badXml(`expected <${root}>`, what);
  return value === '' ? {} : value;
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'root';
    throw new PatchbayError('finesse.bad-response', `The Finesse server sent ${what} that Patchbay could not read (field ${where}).`, {
      action: 'contact-it',
      details: { field: where },
    });
  }
  return parsed.data;
}

// ------------------------------------------------------------------ SystemInfo (§1, FIN-05)
export const SYSTEM_AUTH_MODES = ['SSO', 'NON_SSO', 'HYBRID'] as const;
export type SystemAuthMode = (typeof SYSTEM_AUTH_MODES)[number];

const NodeInfoSchema = z.object({
  host: optText,
  httpsport: optInt,
  xmppport: optInt,
  xmppsecureport: optInt,
});

const SystemInfoSchema = z
  .object({
    currenttimestamp: optText,
    deploymenttype: optText,
    status: text,
    statusreason: optText,
    systemauthmode: optText,
    timezoneoffset: optText,
    uri: optText,
    xmppdomain: optText,
    xmpppubsubdomain: optText,
    primarynode: z.preprocess((v) => (v === '' ? undefined : v), NodeInfoSchema.optional()),
    secondarynode: z.preprocess((v) => (v === '' ? undefined : v), NodeInfoSchema.optional()),
  })
  .loose();

export interface NodeInfo {
  host?: string;
  httpsPort?: number;
  xmppPort?: number;
  xmppSecurePort?: number;
}

export interface SystemInfo {
  status: string;
  statusReason?: string;
  /** 'UCCE' | 'UCCX' (upper-cased); undefined when the server does not say. */
  deploymentType?: string;
  /** Absent before 11.5 SSO: basic auth (§1). */
  systemAuthMode: SystemAuthMode;
  xmppDomain?: string;
  xmppPubSubDomain?: string;
  currentTimestamp?: string;
  primaryNode?: NodeInfo;
  secondaryNode?: NodeInfo;
}

function nodeInfo(n: z.output<typeof NodeInfoSchema> | undefined): NodeInfo | undefined {
  if (!n) return undefined;
  return { host: n.host, httpsPort: n.httpsport, xmppPort: n.xmppport, xmppSecurePort: n.xmppsecureport };
}

export function parseSystemInfo(xml: string): SystemInfo {
  const what = 'system information';
  const raw = parseWith(SystemInfoSchema, requireRoot(parseXml(xml, what), 'SystemInfo', what), what);
  const mode = (raw.systemauthmode ?? 'NON_SSO').toUpperCase();
  if (!(SYSTEM_AUTH_MODES as readonly string[]).includes(mode)) {
    throw new PatchbayError('finesse.bad-response', `The Finesse server reports an unknown sign-in mode (${mode.slice(0, 32)}).`, {
      action: 'contact-it',
    });
  }
  return {
    status: raw.status.toUpperCase(),
    statusReason: raw.statusreason,
    deploymentType: raw.deploymenttype?.toUpperCase(),
    systemAuthMode: mode as SystemAuthMode,
    xmppDomain: raw.xmppdomain,
    xmppPubSubDomain: raw.xmpppubsubdomain,
    currentTimestamp: raw.currenttimestamp,
    primaryNode: nodeInfo(raw.primarynode),
    secondaryNode: nodeInfo(raw.secondarynode),
  };
}

export const IN_SERVICE = 'IN_SERVICE';

/** The origins of the SystemInfo primaryNode/secondaryNode other than `base` (§5 failover: a profile
 *  may name one node only). Scheme from `base`; port = the node's httpsPort, else `base`'s port.
 *  A host that is not a plain host name or IP literal is ignored. */
export function systemInfoNodeOrigins(base: string, info: Pick<SystemInfo, 'primaryNode' | 'secondaryNode'>): string[] {
  let baseUrl: URL;
  try {
    baseUrl = new URL(base);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const node of [info.primaryNode, info.secondaryNode]) {
    const host = node?.host?.trim();
    if (!host || !/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)$/.test(host)) continue;
    const port = node?.httpsPort !== undefined && node.httpsPort > 0 && node.httpsPort < 65_536 ? String(node.httpsPort) : baseUrl.port;
    let origin: string;
    try {
      origin = new URL(`${baseUrl.protocol}//${host}${port ? `:${port}` : ''}`).origin;
    } catch {
      continue;
    }
    if (origin !== baseUrl.origin && !out.includes(origin)) out.push(origin);
  }
  return out;
}

// ------------------------------------------------------------------ UserAuthMode (§1, FIN-06)
// Schemas are built once, at load: zod compiles each on its first parse, so one built per call was
// compiled again on every answer (issue 15 item 3: ~5 ms of a Finesse sign-in's CPU).
const UserAuthModeSchema = z.object({ authmode: text }).loose();

export function parseUserAuthMode(xml: string): 'SSO' | 'NON_SSO' {
  const what = "the user's sign-in mode";
  const raw = parseWith(UserAuthModeSchema, requireRoot(parseXml(xml, what), 'UserAuthMode', what), what);
  const mode = raw.authmode.trim().toUpperCase();
  if (mode !== 'SSO' && mode !== 'NON_SSO') {
    throw new PatchbayError('finesse.bad-response', "The Finesse server reports an unknown sign-in mode for this user.", { action: 'contact-it' });
  }
  return mode;
}

// ------------------------------------------------------------------ ApiErrors (§4)
const ApiErrorSchema = z
  .object({ errortype: optText, errormessage: optText, errordata: optText, peripheralerrorcode: optText, peripheralerrormsg: optText })
  .loose();

export interface ApiError {
  errorType?: string;
  errorMessage?: string;
  errorData?: string;
  peripheralErrorCode?: string;
  peripheralErrorMsg?: string;
}

const ApiErrorsSchema = z.object({ apierror: list(ApiErrorSchema) }).loose();

function apiErrorsFrom(value: unknown): ApiError[] {
  const container = parseWith(ApiErrorsSchema, value === '' ? {} : value, 'an error');
  return container.apierror.map((e) => ({
    errorType: e.errortype,
    errorMessage: e.errormessage,
    errorData: e.errordata,
    peripheralErrorCode: e.peripheralerrorcode,
    peripheralErrorMsg: e.peripheralerrormsg,
  }));
}

/** `<ApiErrors>` body → list; undefined when the body is not an ApiErrors document (never throws). */
export function parseApiErrors(xml: string): ApiError[] | undefined {
  try {
    const tree = parseXml(xml, 'an error');
    if (tree.apierrors === undefined) return undefined;
    return apiErrorsFrom(tree.apierrors);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ ReasonCodes (§4)
const ReasonCodeSchema = z
  .object({ uri: optText, category: optText, code: optText, label: optText, forall: optBool, systemcode: optBool, id: optText })
  .loose();

export interface ReasonCode {
  /** The id REST wants in reasonCodeId: the last segment of uri, or `id`. */
  id: string;
  category?: string;
  code?: string;
  label: string;
  forAll?: boolean;
  systemCode?: boolean;
}

function reasonCodeOf(raw: z.output<typeof ReasonCodeSchema>): ReasonCode | undefined {
  const id = raw.id ?? raw.uri?.split('/').filter(Boolean).pop();
  if (!id) return undefined;
  return { id, category: raw.category?.toUpperCase(), code: raw.code, label: raw.label ?? raw.code ?? id, forAll: raw.forall, systemCode: raw.systemcode };
}

const ReasonCodesSchema = z.object({ reasoncode: list(ReasonCodeSchema) }).loose();

export function parseReasonCodes(xml: string): ReasonCode[] {
  const what = 'a reason code list';
  const raw = parseWith(ReasonCodesSchema, requireRoot(parseXml(xml, what), 'ReasonCodes', what), what);
  return raw.reasoncode.map(reasonCodeOf).filter((r): r is ReasonCode => r !== undefined);
}

// ------------------------------------------------------------------ User (§4)
export const FINESSE_STATES = [
  'LOGOUT',
  'NOT_READY',
  'READY',
  'RESERVED',
  'RESERVED_OUTBOUND',
  'RESERVED_OUTBOUND_PREVIEW',
  'TALKING',
  'HOLD',
  'WORK',
  'WORK_READY',
  'UNKNOWN',
] as const;

const UserSchema = z
  .object({
    uri: optText,
    loginid: optText,
    loginname: optText,
    state: text,
    statechangetime: optText,
    pendingstate: optText,
    reasoncodeid: optText,
    reasoncode: z.preprocess((v) => (v === '' ? undefined : v), ReasonCodeSchema.optional()),
    extension: optText,
    mobileagent: z.preprocess((v) => (v === '' ? undefined : v), z.object({ mode: optText, dialnumber: optText }).loose().optional()),
    firstname: optText,
    lastname: optText,
    teamid: optText,
    teamname: optText,
    roles: z.preprocess((v) => (v === '' || v === undefined ? {} : v), z.object({ role: list(text) }).loose()),
  })
  .loose();

export interface FinesseUser {
  loginId?: string;
  loginName?: string;
  /** Upper-cased Finesse state (LOGOUT, NOT_READY, READY, TALKING, …). */
  state: string;
  stateChangeTime?: string;
  pendingState?: string;
  /** -1 (or absent) when no reason applies (§4: logged-out agents say -1). */
  reasonCodeId?: string;
  reasonCode?: ReasonCode;
  extension?: string;
  mobileAgent?: { mode?: string; dialNumber?: string };
  firstName?: string;
  lastName?: string;
  teamName?: string;
  roles: string[];
}

function userOf(raw: z.output<typeof UserSchema>): FinesseUser {
  const reasonCodeId = raw.reasoncodeid && raw.reasoncodeid !== '-1' ? raw.reasoncodeid : undefined;
  return {
    loginId: raw.loginid,
    loginName: raw.loginname,
    state: raw.state.trim().toUpperCase(),
    stateChangeTime: raw.statechangetime,
    pendingState: raw.pendingstate?.toUpperCase(),
    reasonCodeId,
    reasonCode: raw.reasoncode ? reasonCodeOf(raw.reasoncode) : undefined,
    extension: raw.extension,
    mobileAgent: raw.mobileagent ? { mode: raw.mobileagent.mode, dialNumber: raw.mobileagent.dialnumber } : undefined,
    firstName: raw.firstname,
    lastName: raw.lastname,
    teamName: raw.teamname,
    roles: raw.roles.role,
  };
}

export function parseUser(xml: string): FinesseUser {
  const what = 'the user';
  return userOf(parseWith(UserSchema, requireRoot(parseXml(xml, what), 'User', what), what));
}

// ------------------------------------------------------------------ Dialogs (§4)
const ParticipantSchema = z
  .object({
    mediaaddress: optText,
    state: optText,
    starttime: optText,
    statechangetime: optText,
    // <actions><action>ANSWER</action>…</actions>: what this participant may do now (issue 13 item 9).
    actions: z.preprocess((v) => (v === '' || v === undefined ? {} : v), z.object({ action: list(optText) }).loose()),
  })
  .loose();
const DialogSchema = z
  .object({
    id: optText,
    uri: optText,
    state: optText,
    mediatype: optText,
    fromaddress: optText,
    toaddress: optText,
    mediaproperties: z.preprocess((v) => (v === '' ? undefined : v), z.object({ calltype: optText }).loose().optional()),
    participants: z.preprocess((v) => (v === '' || v === undefined ? {} : v), z.object({ participant: list(ParticipantSchema) }).loose()),
  })
  .loose();

export interface FinesseDialog {
  id: string;
  state?: string;
  mediaType?: string;
  fromAddress?: string;
  toAddress?: string;
  /** mediaProperties.callType (ACD_IN, OUT, AGENT_INSIDE, …), upper-cased. */
  callType?: string;
  participants: { mediaAddress?: string; state?: string; startTime?: string; stateChangeTime?: string; actions?: string[] }[];
}

function dialogOf(raw: z.output<typeof DialogSchema>): FinesseDialog | undefined {
  const id = raw.id ?? raw.uri?.split('/').filter(Boolean).pop();
  if (!id) return undefined;
  return {
    id,
    state: raw.state?.toUpperCase(),
    mediaType: raw.mediatype,
    fromAddress: raw.fromaddress,
    toAddress: raw.toaddress,
    callType: raw.mediaproperties?.calltype?.toUpperCase(),
    participants: raw.participants.participant.map((p) => {
      const actions = p.actions.action.filter((a): a is string => typeof a === 'string' && a !== '').map((a) => a.toUpperCase());
      return { mediaAddress: p.mediaaddress, state: p.state?.toUpperCase(), startTime: p.starttime, stateChangeTime: p.statechangetime, ...(actions.length > 0 ? { actions } : {}) };
    }),
  };
}

const DialogsSchema = z.object({ dialog: list(DialogSchema) }).loose();

function dialogsFrom(value: unknown): FinesseDialog[] {
  const raw = parseWith(DialogsSchema, value === '' ? {} : value, 'a call list');
  return raw.dialog.map(dialogOf).filter((d): d is FinesseDialog => d !== undefined);
}

export function parseDialogs(xml: string): FinesseDialog[] {
  const what = 'a call list';
  return dialogsFrom(requireRoot(parseXml(xml, what), 'Dialogs', what));
}

// ------------------------------------------------------------------ XMPP <Update> (§5)
export type FinesseUpdate =
  | { kind: 'user'; source: string; event?: string; requestId?: string; user: FinesseUser }
  | { kind: 'dialogs'; source: string; event?: string; requestId?: string; dialogs: FinesseDialog[] }
  | { kind: 'errors'; source: string; event?: string; requestId?: string; errors: ApiError[] }
  | { kind: 'system'; source: string; event?: string; requestId?: string; status?: string }
  | { kind: 'other'; source: string; event?: string; requestId?: string };

const UpdateSchema = z.object({ data: z.unknown().optional(), event: optText, requestid: optText, source: optText }).loose();
const SystemStatusSchema = z.object({ status: optText }).loose();

/** Decodes the `<Update>` document carried (XML-escaped) inside a pubsub item's `<notification>`.
 *  `payload` is the notification's text content after the XMPP layer's own unescaping. */
export function parseUpdate(payload: string, node?: string): FinesseUpdate {
  const what = 'a notification';
  const tree = parseXml(payload.trim(), what);
  const raw = parseWith(UpdateSchema, requireRoot(tree, 'Update', what), what);
  const base = { source: raw.source ?? node ?? '', event: raw.event?.toUpperCase(), requestId: raw.requestid };
  const data = raw.data && typeof raw.data === 'object' && !Array.isArray(raw.data) ? (raw.data as XmlNode) : {};
  if (data.apierrors !== undefined) return { kind: 'errors', ...base, errors: apiErrorsFrom(data.apierrors) };
  if (data.user !== undefined) return { kind: 'user', ...base, user: userOf(parseWith(UserSchema, data.user, what)) };
  if (data.dialogs !== undefined) return { kind: 'dialogs', ...base, dialogs: dialogsFrom(data.dialogs) };
  if (data.dialog !== undefined) {
    const one = parseWith(DialogSchema, data.dialog, what);
    const dialog = dialogOf(one);
    return { kind: 'dialogs', ...base, dialogs: dialog ? [dialog] : [] };
  }
  if (data.systeminfo !== undefined) {
    const sys = parseWith(SystemStatusSchema, data.systeminfo, what);
    return { kind: 'system', ...base, status: sys.status?.toUpperCase() };
  }
  return { kind: 'other', ...base };
}

/** Undo one level of XML escaping, for `<notification>` content taken raw from a stanza. */
export const unescapeNotification = decodeXmlText;

// ------------------------------------------------------------------ request builders (§4)
export interface MobileAgent {
  mode: 'CALL_BY_CALL' | 'NAILED_CONNECTION';
  dialNumber: string;
}

/** `PUT /finesse/api/User/{id}` sign-in body: LOGIN + extension (+ mobile agent when configured). */
export function loginBody(extension: string, mobileAgent?: MobileAgent): string {
  const children: XmlBuild[] = [
    ['state', 'LOGIN'],
    ['extension', extension],
  ];
  if (mobileAgent) {
    children.push([
      'mobileAgent',
      [
        ['mode', mobileAgent.mode],
        ['dialNumber', mobileAgent.dialNumber],
      ],
    ]);
  }
  return buildXml('User', children);
}

/** READY / NOT_READY (+ reasonCodeId) / LOGOUT (+ reasonCodeId) body. */
export function stateBody(state: 'READY' | 'NOT_READY' | 'LOGOUT', reasonCodeId?: string): string {
  const children: XmlBuild[] = [['state', state]];
  if (reasonCodeId !== undefined && state !== 'READY') children.push(['reasonCodeId', reasonCodeId]);
  return buildXml('User', children);
}

export function basicAuthorization(userName: string, password: string): string {
  return `Basic ${Buffer.from(`${userName}:${password}`, 'utf8').toString('base64')}`;
}

export function userPath(id: string): string {
  return `/finesse/api/User/${encodeURIComponent(id)}`;
}

/** The first ApiError's message for an error shown to the agent (the server's words, trimmed). */
export function apiErrorMessage(errors: ApiError[] | undefined): string | undefined {
  const e = errors?.[0];
  const message = e?.errorMessage ?? e?.errorType;
  return message ? message.slice(0, 300) : undefined;
}

export { parseXml, type XmlNode };
