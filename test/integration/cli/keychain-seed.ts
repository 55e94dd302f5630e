// Child for the `probe --resume` test, run inside a private D-Bus session with gnome-keyring
// (../secrets/keyring.ts): `seed <profileId> <json>` stores what an earlier interactive sign-in would
// have left; `list` prints the Patchbay accounts as the last JSON line.
import keytarModule from 'keytar';
import { SECRET_SERVICE } from '../../../main/core/secrets/secret-store.ts';

const keytar = keytarModule as unknown as {
  setPassword(service: string, account: string, password: string): Promise<void>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
};
const [command, profileId, value] = process.argv.slice(2);
if (command === 'seed' && profileId && value) await keytar.setPassword(SECRET_SERVICE, `${profileId}:refresh-token`, value);
const accounts = (await keytar.findCredentials(SECRET_SERVICE)).map((c) => c.account).sort();
process.stdout.write(`${JSON.stringify({ accounts })}\n`);
