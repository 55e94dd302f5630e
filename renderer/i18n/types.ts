// The shape every language must have: en's keys, each a string (de.ts is checked against it by tsc,
// and test/unit/renderer/i18n.test.ts checks the key sets at run time).
import type en from './en.ts';

export type MessageShape<T> = { readonly [K in keyof T]: T[K] extends string ? string : MessageShape<T[K]> };
export type Messages = typeof en;
