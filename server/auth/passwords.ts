// Password hashing: argon2id (OWASP's parameters: 19 MiB, 2 passes) in a PHC string that
// carries its own salt and parameters, so they can be raised later without breaking old hashes.
import { type Algorithm, hash, verify } from "@node-rs/argon2";

// the package's Algorithm is a const enum, which isolated modules cannot read: Argon2id = 2
const ARGON2ID = 2 as Algorithm;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

/** False for a wrong password or a malformed stored hash; never throws on user input. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// A hash of a random password: verified against when the username does not exist, so that
// a login takes as long for an unknown user as for a wrong password (no user enumeration).
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(`no-such-user-${Math.random()}`);
  return dummy;
}
