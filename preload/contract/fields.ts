// Field schemas shared by the contract's parts (profile id, server address). Internal: preload/contract.ts
// does not re-export this file, so the contract's public names stay what they were before the split.
import { z } from 'zod';

export const ProfileIdSchema = z
  .string()
  .min(1, 'Profile id is required')
  .max(64, 'Profile id is at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'Use lower-case letters, digits, dot, dash or underscore');

export const ServerUrlSchema = z
  .string()
  .trim()
  .min(1, 'Server address is required')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'Enter a full http(s) address such as https://ic1.example.com:8019, without user name or password');
