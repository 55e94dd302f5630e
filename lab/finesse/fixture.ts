// Fake users, teams and reason codes of the Finesse lab. Written from the Finesse developer guide's
// examples (loginName sjefferson / loginId 98411 is the seed's own UCCE example).

export type DeploymentType = 'UCCE' | 'UCCX';
export type SystemAuthMode = 'SSO' | 'NON_SSO' | 'HYBRID';
export type UserAuthMode = 'SSO' | 'NON_SSO';

export interface FinesseLabUser {
  /** Peripheral id on UCCE (what every REST call and the XMPP JID use); on UCCX equal to loginName. */
  loginId: string;
  loginName: string;
  /** Finesse password (Basic auth and XMPP) of NON_SSO users; SSO users type their IdP password. */
  password: string;
  /** The user's own mode when the system is HYBRID (UserAuthMode API). */
  authMode: UserAuthMode;
  firstName: string;
  lastName: string;
  /** Extensions this agent may sign in with; any other gives the async "Invalid Device" error. */
  extensions: string[];
  teamId: string;
  teamName: string;
  roles: Array<'Agent' | 'Supervisor'>;
  /** What the IdP sends as `uid` and `user_principal` for this user (Cisco IdS requires both). */
  idpUid: string;
  userPrincipal: string;
  /** The IdP password of SSO users (for the lab IdP's account list and test logins). */
  idpPassword: string;
}

export interface FinesseReasonCode {
  /** Database id: what `reasonCodeId` carries and `/finesse/api/ReasonCode/{id}` names. */
  id: string;
  category: 'NOT_READY' | 'LOGOUT';
  /** The code reported to the CTI server. */
  code: string;
  label: string;
  forAll: boolean;
  /** Teams a non-global code is assigned to. */
  teamIds?: string[];
}

const REALM = 'finesse.lab.invalid';

function user(loginId: string, loginName: string, authMode: UserAuthMode, firstName: string, lastName: string, extension: string, team: [string, string]): FinesseLabUser {
  return {
    loginId,
    loginName,
    password: `${loginName}-lab-pw`,
    authMode,
    firstName,
    lastName,
    extensions: [extension],
    teamId: team[0],
    teamName: team[1],
    roles: ['Agent'],
    idpUid: loginName,
    userPrincipal: `${loginName}@${REALM}`,
    idpPassword: `${loginName}-idp-pw`,
  };
}

/**
 * UCCE: loginName and loginId differ (sjefferson / 98411, as in the Client Integration guide).
 * UCCX: the user id is the same for both.
 */
export function defaultFinesseUsers(deploymentType: DeploymentType): FinesseLabUser[] {
  if (deploymentType === 'UCCE') {
    return [
      user('98411', 'sjefferson', 'SSO', 'Sam', 'Jefferson', '1001001', ['5005', 'Lab Team A']),
      user('98412', 'jdoe', 'NON_SSO', 'Jo', 'Doe', '1001002', ['5005', 'Lab Team A']),
      user('98413', 'kfinch', 'SSO', 'Kit', 'Finch', '1001003', ['5006', 'Lab Team B']),
    ];
  }
  return [
    user('agent3', 'agent3', 'SSO', 'Ada', 'Three', '3003', ['7', 'Lab CCX Team']),
    user('agent4', 'agent4', 'NON_SSO', 'Bo', 'Four', '3004', ['7', 'Lab CCX Team']),
  ];
}

export function defaultReasonCodes(): FinesseReasonCode[] {
  return [
    { id: '1', category: 'NOT_READY', code: '12', label: 'Lunch', forAll: true },
    { id: '2', category: 'NOT_READY', code: '13', label: 'Break', forAll: true },
    { id: '3', category: 'NOT_READY', code: '14', label: 'Meeting', forAll: true },
    { id: '4', category: 'NOT_READY', code: '15', label: 'Training', forAll: false, teamIds: ['5005'] },
    { id: '11', category: 'LOGOUT', code: '30', label: 'End of shift', forAll: true },
    { id: '12', category: 'LOGOUT', code: '31', label: 'Personal', forAll: true },
  ];
}
