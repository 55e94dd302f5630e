// Fake users, places and agent-state settings of the GWS lab (shared/protocols/gws.md §2).
// Passwords are fixture values of fake users, never real ones.

export interface GwsLabUser {
  userName: string;
  firstName: string;
  lastName: string;
  /** GWS's own basic-auth password (GWS-03); absent = the user cannot sign in that way. */
  gwsPassword?: string;
  /** Configuration Server password (GWS-02), checked only while Configuration Server auth is on. */
  configServerPassword?: string;
  /** The place (DN) the agent's voice channel starts on by default. */
  place: string;
  /** Salesforce user name whose identity URL signs this agent in (GWS-01). */
  salesforceUser?: string;
  /** Salesforce stand-in password (typed on its login page). */
  salesforcePassword?: string;
  /** What a SAML IdP asserts for this user (`uid` attribute, else the NameID) (GWS-04). */
  samlNameId?: string;
}

export interface GwsPlace {
  name: string;
  /** Channels this place can start (a place without a voice DN fails the voice channel). */
  channels: string[];
  /** The voice DN (phone number) of the place. */
  dn?: string;
}

/** One entry of the agent-states settings section (`settings["agent-states"][key]`). */
export interface GwsAgentStateSetting {
  /** Send as `operationName` on POST /api/v2/me/channels/voice. */
  operationName: string;
  state: 'Ready' | 'NotReady' | 'AfterCallWork';
  displayName: string;
  /** NotReady reason (shown as userState.reason). */
  reason?: string;
  workMode?: 'Unknown' | 'AfterCallWork' | 'AuxWork';
}

export function defaultGwsUsers(): GwsLabUser[] {
  return [
    { userName: 'agent1', firstName: 'Ada', lastName: 'Agent', gwsPassword: 'agent1-lab-pw', place: 'SIP_Place_1001', samlNameId: 'agent1' },
    { userName: 'agent2', firstName: 'Bo', lastName: 'Agent', configServerPassword: 'agent2-lab-pw', place: 'SIP_Place_1002', samlNameId: 'agent2' },
    {
      userName: 'agent3',
      firstName: 'Cy',
      lastName: 'Agent',
      gwsPassword: 'agent3-lab-pw',
      place: 'SIP_Place_1003',
      salesforceUser: 'agent3@patchbay-lab.example',
      salesforcePassword: 'agent3-sf-lab-pw',
    },
  ];
}

export function defaultPlaces(): GwsPlace[] {
  return [
    { name: 'SIP_Place_1001', channels: ['voice', 'chat'], dn: '1001' },
    { name: 'SIP_Place_1002', channels: ['voice', 'chat'], dn: '1002' },
    { name: 'SIP_Place_1003', channels: ['voice', 'chat'], dn: '1003' },
    // A place with no voice DN: starting voice there fails (partial success with chat, statusCode 7).
    { name: 'Chat_Only_Place', channels: ['chat'] },
  ];
}

/** Keys of the `agent-states` settings section, in display order. */
export function defaultAgentStates(): Record<string, GwsAgentStateSetting> {
  return {
    Ready: { operationName: 'Ready', state: 'Ready', displayName: 'Ready' },
    NotReady: { operationName: 'NotReady', state: 'NotReady', displayName: 'Not Ready' },
    NotReadyLunch: { operationName: 'NotReadyLunch', state: 'NotReady', displayName: 'Lunch', reason: 'Lunch', workMode: 'AuxWork' },
    NotReadyBreak: { operationName: 'NotReadyBreak', state: 'NotReady', displayName: 'Break', reason: 'Break', workMode: 'AuxWork' },
    NotReadyMeeting: { operationName: 'NotReadyMeeting', state: 'NotReady', displayName: 'Meeting', reason: 'Meeting', workMode: 'AuxWork' },
    AfterCallWork: { operationName: 'AfterCallWork', state: 'AfterCallWork', displayName: 'After Call Work', workMode: 'AfterCallWork' },
  };
}
