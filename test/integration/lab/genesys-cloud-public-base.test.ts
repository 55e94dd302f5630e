// The Genesys Cloud lab behind a front (a WAN delay proxy, bench/wan-lab.ts): with `publicApiBase`
// the channel's connectUri and the profiles' server name the front, and the API still answers on its
// own address (`apiBase`), so a notifications socket takes the same path as the REST calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGenesysCloudLab, type GenesysCloudLab } from '../../../lab/genesys-cloud/index.ts';
import { api, signIn } from './genesys-cloud-helpers.ts';

const FRONT = 'http://127.0.0.1:9'; // never connected to: only named

describe('Genesys Cloud lab public API address', () => {
  let lab: GenesysCloudLab;
  beforeAll(async () => {
    lab = await startGenesysCloudLab({ publicApiBase: FRONT });
  });
  afterAll(async () => {
    await lab.close();
  });

  it('names the front in connectUri and the profiles, and answers on its own address', async () => {
    expect(lab.apiBase).not.toBe(FRONT);
    const token = (await signIn(lab)).tokens.access_token;
    const answer = await api(lab, token, 'POST', '/api/v2/notifications/channels');
    expect(answer.status).toBe(200);
    const channel = answer.body as { connectUri: string; id: string };
    expect(channel.connectUri).toBe(`ws://127.0.0.1:9/channels/${channel.id}`);
    expect(lab.profiles().map((p) => p.servers)).toEqual([[FRONT], [FRONT]]);
  });
});
