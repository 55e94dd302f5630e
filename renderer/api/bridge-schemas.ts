// The schemas the bridge checks every result and event with (CARD-03): zod and the contract's
// Commands / Events, in a chunk of their own that bridge.ts imports on first use, so the first paint
// neither fetches nor evaluates them (issue 15 item 5; building them cost ~115 ms of the first paint
// under load). Nothing reaches a listener or a caller before they are loaded.
import { z } from 'zod';
import { Commands, ContractErrorSchema, Events } from '../../preload/contract.ts';

export { Commands, Events };

export const ServerFrameSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('result'), id: z.number().int().min(0), result: z.unknown() }),
  z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);

export const WireResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ContractErrorSchema }),
]);
