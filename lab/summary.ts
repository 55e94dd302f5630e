// The human block about a running lab (issue 14 item 8): each server's address, where its fault
// controls are, and the lab users with what they type (passwords, Finesse extensions, IdP passwords).
// `npm start` prints it first (through `lab/index.ts --summary-out FILE`), `npm run lab` on its console.
// Everything here is a fake fixture of the lab; nothing real.
import type { Lab, LabProfileFile } from './index.ts';
import { defaultUsers } from './icws/fixture.ts';

function userLine(lab: Lab, profile: LabProfileFile): string {
  const label = `  ${profile.name}:`;
  if (profile.platform === 'finesse') {
    const user = [...lab.finesse.ucce.users, ...lab.finesse.uccx.users].find((u) => u.loginName === profile.userName);
    const extension = user?.extensions[0] ? `, extension ${user.extensions[0]}` : '';
    if (profile.authMode === 'sso') return `${label} ${profile.userName} on the IdP page, password ${user?.idpPassword ?? '(see lab/README.md)'}${extension}`;
    return `${label} ${profile.userName} / ${profile.fixturePassword ?? user?.password ?? '(see lab/README.md)'}${extension}`;
  }
  if (profile.platform === 'gws') {
    const user = lab.gws.users.find((u) => u.userName === profile.userName);
    if (user?.salesforcePassword) return `${label} ${user.salesforceUser ?? profile.userName} / ${user.salesforcePassword} on the Salesforce stand-in page`;
  }
  if (profile.platform === 'genesys-cloud') return `${label} ${profile.userName} / ${profile.fixturePassword ?? '(see lab/README.md)'} on the lab login page`;
  if (profile.authMode === 'sso') {
    // ICWS and GWS SSO go through the ICWS lab IdP, whose users are the ICWS fixture users.
    const idpUser = defaultUsers().find((u) => u.userId === profile.userName);
    return `${label} ${profile.userName ?? ''} on the IdP page, password ${idpUser?.password ?? '(see lab/README.md)'}`;
  }
  return `${label} ${profile.userName} / ${profile.fixturePassword ?? '(see lab/README.md)'}`;
}

export function labSummary(lab: Lab): string[] {
  const finesse = [lab.finesse.ucce, lab.finesse.uccx];
  return [
    'The built-in lab (an emulated contact center; lab/README.md) is running:',
    `  ICWS (server-sent events)  ${lab.icws.url}`,
    `  ICWS (short polling)       ${lab.icwsPolling.url}`,
    `  ICWS pair primary/backup   ${lab.icwsPair.primary.url} ${lab.icwsPair.backup.url}`,
    `  ICWS lab SAML IdP          ${lab.icwsIdp.url}`,
    ...finesse.map((f) => `  Finesse ${f.deploymentType} ${f.systemAuthMode.padEnd(6)}    ${f.servers.join(' ')}  IdS ${f.ids.url}`),
    `  Finesse lab SAML IdP       ${lab.finesse.idp.url}`,
    `  Genesys Cloud login / API  ${lab.genesysCloud.loginBase} ${lab.genesysCloud.apiBase}`,
    `  GWS (Genesys Engage)       ${lab.gws.baseUrl}`,
    'Fault controls (POST, loopback only; lab/README.md lists them):',
    `  ICWS           ${lab.icws.url}/lab/…  (switchover: ${lab.icwsPair.primary.url}/lab/switchover)`,
    `  Finesse        ${lab.finesse.ucce.primary.url}/lab/finesse/…`,
    `  Genesys Cloud  ${lab.genesysCloud.apiBase}/lab/<control>`,
    `  GWS            ${lab.gws.baseUrl}/lab/<control>`,
    'Lab users (fake; already loaded as "Lab" profiles):',
    ...lab.profiles.map((profile) => userLine(lab, profile)),
  ];
}
