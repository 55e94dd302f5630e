// Test users and status messages of the ICWS lab. Written from the vendor docs' data contracts
// (/icws/{sid}/status/status-messages, status-messages-user-access, user-statuses), not from any client.

/** One item of `statusMessageList` (GET /icws/{sid}/status/status-messages), every documented field. */
export interface LabStatusMessage {
  statusId: string;
  messageText: string;
  /** Relative to the session; the lab serves a small SVG there. `{sessionId}` is filled in per session. */
  iconUri: string;
  groupTag: string;
  canHaveDate: boolean;
  canHaveTime: boolean;
  isDoNotDisturbStatus: boolean;
  isSelectableStatus: boolean;
  isPersistentStatus: boolean;
  isForwardStatus: boolean;
  isAfterCallWorkStatus: boolean;
  isAcdStatus: boolean;
  isAllowFollowUpStatus: boolean;
  systemId: string;
}

export interface LabUser {
  userId: string;
  /** Fixture password of a fake user; never logged. */
  password: string;
  displayName: string;
  /** status-messages-user-access: the statusIds this user may pick. */
  allowedStatusIds: string[];
  /** Status the user has when the server starts. */
  initialStatusId: string;
}

function status(
  statusId: string,
  groupTag: string,
  systemId: string,
  flags: Partial<Omit<LabStatusMessage, 'statusId' | 'messageText' | 'iconUri' | 'groupTag' | 'systemId'>> = {},
): LabStatusMessage {
  return {
    statusId,
    messageText: statusId,
    iconUri: `/icws/{sessionId}/status/status-message-icons/${encodeURIComponent(statusId)}`,
    groupTag,
    canHaveDate: false,
    canHaveTime: false,
    isDoNotDisturbStatus: false,
    isSelectableStatus: true,
    isPersistentStatus: false,
    isForwardStatus: false,
    isAfterCallWorkStatus: false,
    isAcdStatus: false,
    isAllowFollowUpStatus: false,
    systemId,
    ...flags,
  };
}

export const LAB_STATUS_IDS = {
  available: 'Available',
  availableFollowUp: 'Available, Follow-up',
  availableForward: 'Available, Forward',
  awayFromDesk: 'Away from desk',
  atLunch: 'At Lunch',
  doNotDisturb: 'Do Not Disturb',
  inAMeeting: 'In a Meeting',
  followUp: 'Follow Up',
  goneHome: 'Gone Home',
  /** System status, set by the server (or a supervisor), never picked by an agent. */
  acdAgentNotAnswering: 'ACD - Agent Not Answering',
} as const;

export function defaultStatuses(): LabStatusMessage[] {
  const s = LAB_STATUS_IDS;
  return [
    status(s.available, 'Available', 'Available', { isAcdStatus: true }),
    status(s.availableFollowUp, 'Available', 'AvailableFollowUp', { isAcdStatus: true, isAllowFollowUpStatus: true }),
    status(s.availableForward, 'Available', 'AvailableForward', { isForwardStatus: true }),
    status(s.awayFromDesk, 'Away', 'AwayFromDesk', { canHaveTime: true }),
    status(s.atLunch, 'Away', 'AtLunch', { canHaveTime: true }),
    status(s.doNotDisturb, 'DoNotDisturb', 'DoNotDisturb', { isDoNotDisturbStatus: true, isPersistentStatus: true }),
    status(s.inAMeeting, 'Away', 'InAMeeting', { canHaveDate: true, canHaveTime: true }),
    status(s.followUp, 'FollowUp', 'FollowUp', { isAfterCallWorkStatus: true }),
    status(s.goneHome, 'Gone', 'GoneHome', { canHaveDate: true, canHaveTime: true, isPersistentStatus: true }),
    status(s.acdAgentNotAnswering, 'Away', 'AcdAgentNotAnswering', { isSelectableStatus: false, isDoNotDisturbStatus: true }),
  ];
}

export function defaultUsers(): LabUser[] {
  const s = LAB_STATUS_IDS;
  const everySelectable = defaultStatuses().filter((m) => m.isSelectableStatus).map((m) => m.statusId);
  return [
    {
      userId: 'agent1',
      password: 'agent1-lab-pw',
      displayName: 'Ada Agent',
      // Most but not all: an agent may not go "Gone Home" or forward calls on her own.
      allowedStatusIds: [s.available, s.availableFollowUp, s.awayFromDesk, s.atLunch, s.doNotDisturb, s.inAMeeting, s.followUp],
      initialStatusId: s.available,
    },
    {
      userId: 'agent2',
      password: 'agent2-lab-pw',
      displayName: 'Bo Agent',
      allowedStatusIds: [s.available, s.awayFromDesk, s.atLunch, s.followUp, s.goneHome],
      initialStatusId: s.atLunch,
    },
    {
      userId: 'supervisor1',
      password: 'supervisor1-lab-pw',
      displayName: 'Sam Supervisor',
      allowedStatusIds: everySelectable,
      initialStatusId: s.available,
    },
  ];
}
