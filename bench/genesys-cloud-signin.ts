// Genesys Cloud sign-in against the lab over real sockets (issue 10 closing note): round trips per
// sign-in through the real session and auth port, fresh and with a login session (the lab's login
// cookie kept), split by server, and the wall time. The sign-in window is played by labLogin (the
// agent filling the lab's login form over HTTP). Prints figures; asserts nothing about time.
import { startGenesysCloudLab, labLogin, createLabCookieJar } from '../lab/genesys-cloud/index.ts';
import type { LoginWindow } from '../main/core/auth/login-window.ts';
import { systemClock } from '../main/core/clock.ts';
import { createLogger, memorySink } from '../main/core/log.ts';
import { HttpSession } from '../main/core/net/http-session.ts';
import { createGenesysCloudAuth } from '../main/core/platforms/genesys-cloud/auth.ts';
import { GenesysCloudSession } from '../main/core/platforms/genesys-cloud/genesys-cloud-session.ts';
import { ProfileSchema } from '../preload/contract.ts';

export interface SignInRoundTrips {
  loginServer: number;
  api: number;
  webSockets: number;
  total: number;
  ms: number;
}

export async function benchGcSignIn(): Promise<{ fresh: SignInRoundTrips; withLoginSession: SignInRoundTrips }> {
  const lab = await startGenesysCloudLab();
  try {
    const labProfile = lab.profiles().find((p) => p.id === 'lab-gc-agent2-window');
    if (labProfile === undefined) throw new Error('no lab-gc-agent2-window profile');
    const { fixturePassword: _password, ...rest } = labProfile;
    const profile = ProfileSchema.parse(rest);
    const jar = createLabCookieJar(); // the sign-in window's cookies, kept between the two sign-ins
    const window: LoginWindow = {
      run: async (request) => {
        const result = await labLogin(lab, labProfile.userName, request.url, { jar });
        const completion = request.until[0];
        if (completion === undefined) throw new Error('no completion');
        return { completion, url: result.callbackUrl, status: 302, headers: {} };
      },
    };
    const once = async (): Promise<SignInRoundTrips> => {
      lab.clearRequests();
      const sockets = lab.streamingStats.connections;
      const log = createLogger({ sink: memorySink() });
      const http = new HttpSession({ profileId: profile.id, log, clock: systemClock });
      const context = { profile, clock: systemClock, log, loginWindow: window };
      const auth = createGenesysCloudAuth(context, { http, loginWindow: window });
      const session = new GenesysCloudSession(context, { auth, http });
      const t0 = performance.now();
      await session.signIn({});
      const ms = Math.round(performance.now() - t0);
      const loginServer = lab.requests.filter((r) => r.server === 'login').length;
      const api = lab.requests.filter((r) => r.server === 'api').length;
      const webSockets = lab.streamingStats.connections - sockets;
      session.dispose(); // no sign-out: the login session stays for the second sign-in
      auth.dispose();
      return { loginServer, api, webSockets, total: loginServer + api + webSockets, ms };
    };
    const fresh = await once();
    const withLoginSession = await once();
    return { fresh, withLoginSession };
  } finally {
    await lab.close();
  }
}
