// Secrets at rest: agent tokens are sealed with AES-256-GCM before they reach SQLite, with a
// key kept outside the data folder, so a copy or backup of the data folder alone holds no
// usable root credential. The key comes from LVS_FLEET_SECRET_KEY (base64 of 32 bytes) or
// from a key file, created 0600 on first start. A sealed value is "enc:v1:" + base64(iv 12 |
// tag 16 | ciphertext); the row's id is the additional data, so a sealed token moved to
// another row does not open.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve, isAbsolute } from "node:path";
import { StoreSetupError } from "./db.ts";

const PREFIX = "enc:v1:";
const KEY_BYTES = 32;

export interface SecretKeySource {
  /** base64 of 32 bytes (LVS_FLEET_SECRET_KEY); wins over the file */
  key?: string;
  /** the key file (default: next to the data folder, see defaultKeyFile) */
  file?: string;
}

/** "<data>.key" beside the data folder: outside it, found again on every start. */
export const defaultKeyFile = (dataDir: string): string => `${resolve(dataDir)}.key`;

function decodeKey(text: string, from: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== KEY_BYTES) throw new StoreSetupError(`${from} must hold ${KEY_BYTES} bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  return key;
}

function inside(dir: string, file: string): boolean {
  const r = relative(resolve(dir), resolve(file));
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
}

export class SecretBox {
  readonly #key: Buffer;
  private constructor(key: Buffer) {
    this.#key = key;
  }

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== KEY_BYTES) throw new StoreSetupError(`the secret key must be ${KEY_BYTES} bytes`);
    return new SecretBox(key);
  }

  /** The key from the environment value or the file (created on first start). */
  static load(dataDir: string, src: SecretKeySource = {}): SecretBox {
    if (src.key) return new SecretBox(decodeKey(src.key, "LVS_FLEET_SECRET_KEY"));
    const file = resolve(src.file ?? defaultKeyFile(dataDir));
    if (inside(dataDir, file)) {
      throw new StoreSetupError(`the secret key file ${file} is inside the data folder ${resolve(dataDir)}: keep it elsewhere (--secret-key-file)`);
    }
    try {
      // "wx": only one of several starting processes creates it; the others read it
      writeFileSync(file, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new StoreSetupError(`cannot create the secret key file ${file} (in ${dirname(file)}): ${(err as Error).message}`);
      }
    }
    const st = statSync(file);
    if ((st.mode & 0o077) !== 0) {
      throw new StoreSetupError(`the secret key file ${file} is accessible by other users (mode ${(st.mode & 0o777).toString(8)}): chmod 600 ${file}`);
    }
    if (typeof process.getuid === "function" && st.uid !== process.getuid()) {
      throw new StoreSetupError(`the secret key file ${file} belongs to uid ${st.uid}, not to this server's user (${process.getuid()}): chown it`);
    }
    return new SecretBox(decodeKey(readFileSync(file, "utf8"), file));
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.#key, iv);
    c.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString("base64");
  }

  /** Throws StoreSetupError when the value was sealed with another key (or altered). */
  open(sealed: string, context: string): string {
    const raw = Buffer.from(sealed.slice(PREFIX.length), "base64");
    try {
      const d = createDecipheriv("aes-256-gcm", this.#key, raw.subarray(0, 12));
      d.setAAD(Buffer.from(context, "utf8"));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
    } catch {
      throw new StoreSetupError(`the stored secret of ${context} does not open with this key: start with the key file (or LVS_FLEET_SECRET_KEY) it was sealed with`);
    }
  }
}
