// ICWS status steps (protocols/icws.md "status"): the status list with the user's access, the
// user's status, and the workstation. Each takes an authenticated call; the session dispatches.
import type { SelectableState } from '../../../../preload/contract.ts';
import { PatchbayError } from '../../errors.ts';
import type { HttpResponse } from '../../net/types.ts';
import { selectableStates } from './agent-state.ts';
import { okJson, safeErrorBody, serverError } from './responses.ts';
import { StatusMessagesSchema, UserAccessSchema, UserStatusSchema, type StatusMessage, type UserStatus } from './wire.ts';

export type AuthenticatedCall = (method: string, path: string, json?: unknown) => Promise<HttpResponse>;

/** The server's status list and the ones this user may choose. */
export async function fetchStatuses(call: AuthenticatedCall, userId: string): Promise<{ statuses: StatusMessage[]; selectable: SelectableState[] }> {
  const [all, access] = await Promise.all([call('GET', '/status/status-messages'), call('GET', `/status/status-messages-user-access/${encodeURIComponent(userId)}`)]);
  const statuses = StatusMessagesSchema.safeParse(okJson(all, 'icws.status-messages.failed'));
  const allowed = UserAccessSchema.safeParse(okJson(access, 'icws.status-access.failed'));
  if (!statuses.success || !allowed.success) {
    throw new PatchbayError('icws.status-messages.bad-response', 'The server sent a status list Patchbay could not read.', { action: 'contact-it' });
  }
  return { statuses: statuses.data.statusMessageList, selectable: selectableStates(statuses.data.statusMessageList, allowed.data.statusMessages) };
}

export async function fetchUserStatus(call: AuthenticatedCall, userId: string): Promise<UserStatus> {
  const res = await call('GET', `/status/user-statuses/${encodeURIComponent(userId)}`);
  const parsed = UserStatusSchema.safeParse(okJson(res, 'icws.user-status.failed'));
  if (!parsed.success) {
    throw new PatchbayError('icws.user-status.bad-response', 'The server sent a user status Patchbay could not read.', { action: 'contact-it' });
  }
  return parsed.data;
}

/** The profile's workstation (icws.md "station"); the server's refusal verbatim [ICWS-26]. */
export async function putStation(call: AuthenticatedCall, workstation: string): Promise<PatchbayError | undefined> {
  const res = await call('PUT', '/connection/station', {
    __type: 'urn:inin.com:connection:workstationSettings',
    workstation,
    supportedMediaTypes: [1],
    readyForInteractions: true,
  });
  if (res.status >= 200 && res.status < 300) return undefined;
  return serverError(res, safeErrorBody(res), 'icws.station.rejected', `The server refused the station ${workstation}.`, 'contact-it');
}
