// The objects the Finesse REST API and its notifications carry, built from the cluster's runtime:
// User (DG example field order), Dialog, ReasonCode, and the [POK] notification <Update> envelopes.
// Pure functions: the cluster publishes what these return.
import type { FinesseReasonCode } from './fixture.ts';
import type { ApiError } from './xml.ts';
import type { LabDialog, UserRuntime } from './cluster-model.ts';

function iso(date: Date): string {
  return date.toISOString();
}

export function reasonCodeObject(r: FinesseReasonCode, withId: boolean): Record<string, unknown> {
  return {
    category: r.category,
    uri: `/finesse/api/ReasonCode/${r.id}`,
    code: r.code,
    label: r.label,
    forAll: String(r.forAll),
    ...(withId ? { id: r.id } : {}),
  };
}

/** The User object (REST `<User>`, notification `<user>`), fields in the DG example's order. */
export function userObject(u: UserRuntime, reason: FinesseReasonCode | undefined): Record<string, unknown> {
  const id = u.user.loginId;
  return {
    uri: `/finesse/api/User/${id}`,
    roles: { role: [...u.user.roles] },
    loginId: id,
    loginName: u.user.loginName,
    state: u.state,
    stateChangeTime: iso(u.stateChangeTime),
    pendingState: u.pendingState,
    reasonCodeId: u.reasonCodeId,
    ...(reason === undefined ? {} : { ReasonCode: reasonCodeObject(reason, true) }),
    settings: { wrapUpOnIncoming: 'OPTIONAL', wrapUpOnOutgoing: 'OPTIONAL' },
    extension: u.extension,
    firstName: u.user.firstName,
    lastName: u.user.lastName,
    teamId: u.user.teamId,
    teamName: u.user.teamName,
    dialogs: `/finesse/api/User/${id}/Dialogs`,
    teams: { Team: [{ id: u.user.teamId, name: u.user.teamName, uri: `/finesse/api/Team/${u.user.teamId}` }] },
    mediaType: '1',
  };
}

export function dialogObject(u: UserRuntime, d: LabDialog): Record<string, unknown> {
  const actions = d.state === 'ALERTING' ? ['ANSWER'] : d.state === 'ACTIVE' ? ['HOLD', 'DROP'] : d.state === 'HELD' ? ['RETRIEVE', 'DROP'] : [];
  return {
    associatedDialogUri: '',
    fromAddress: d.fromAddress,
    id: d.id,
    mediaProperties: { mediaId: '1', DNIS: d.toAddress, callType: 'ACD_IN', dialedNumber: d.toAddress, outboundClassification: '', callvariables: '' },
    mediaType: 'Voice',
    participants: {
      Participant: [
        {
          actions: actions.length === 0 ? '' : { action: actions },
          mediaAddress: u.extension,
          mediaAddressType: 'AGENT_DEVICE',
          startTime: iso(d.startTime),
          state: d.state,
          stateCause: '',
          stateChangeTime: iso(d.stateChangeTime),
        },
      ],
    },
    state: d.state,
    toAddress: d.toAddress,
    uri: `/finesse/api/Dialog/${d.id}`,
  };
}

export type CtiError = ApiError & { peripheralErrorCode?: string; peripheralErrorText?: string; peripheralErrorMsg?: string };

/** [POK] async CTI errors: `<data><apiErrors><apiError>…`, fields in the captured order. */
export function apiErrorObject(error: CtiError): Record<string, unknown> {
  return {
    ...(error.peripheralErrorCode === undefined ? {} : { peripheralErrorCode: error.peripheralErrorCode }),
    errorType: error.errorType,
    errorMessage: error.errorMessage,
    ...(error.peripheralErrorText === undefined ? {} : { peripheralErrorText: error.peripheralErrorText }),
    ...(error.peripheralErrorMsg === undefined ? {} : { peripheralErrorMsg: error.peripheralErrorMsg }),
    errorData: error.errorData ?? '',
  };
}
