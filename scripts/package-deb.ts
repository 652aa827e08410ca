// A minimal Debian binary package builder around dpkg-deb (Debian's own tool): a staging tree
// with exact modes, DEBIAN/control, conffiles, maintainer scripts and md5sums, built with
// --root-owner-group so every file is root:root without fakeroot.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";

export interface DebControl {
  Package: string;
  Version: string;
  Architecture: "amd64";
  Maintainer: string;
  Depends: string;
  Section: string;
  Priority: "optional";
  Homepage?: string;
  Description: string;
}

/** One package being assembled under `root` (removed and recreated). */
export class DebTree {
  readonly conffiles: string[] = [];
  constructor(
    readonly root: string,
    readonly control: DebControl,
  ) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, "DEBIAN"), { recursive: true, mode: 0o755 });
  }

  /** Absolute path in the installed system -> path in the staging tree. */
  at(path: string): string {
    return join(this.root, path);
  }

  dir(path: string, mode = 0o755): void {
    mkdirSync(this.at(path), { recursive: true });
    chmodSync(this.at(path), mode);
  }

  file(path: string, content: string | Buffer, mode = 0o644, conffile = false): void {
    this.dir(dirname(path));
    writeFileSync(this.at(path), content);
    chmodSync(this.at(path), mode);
    if (conffile) this.conffiles.push(path);
  }

  /** A copy of a file or a tree (directories 0755, files 0644 or 0755 if executable). */
  copy(from: string, path: string): void {
    this.dir(dirname(path));
    cpSync(from, this.at(path), { recursive: true, dereference: true });
    normalizeModes(this.at(path));
  }

  /** Strips a copied shared object (.node addon) of its debugging symbols, as Debian ships them. */
  strip(path: string): void {
    const r = spawnSync("strip", ["--strip-unneeded", "--remove-section=.comment", "--remove-section=.note", this.at(path)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`strip ${path} failed: ${r.error?.message ?? ""}${r.stderr}`);
  }

  /** Installed paths of the files under `path` whose name passes `match`. */
  find(path: string, match: (name: string) => boolean): string[] {
    const out: string[] = [];
    walk(this.at(path), "", (p) => {
      if (match(p.slice(p.lastIndexOf("/") + 1)) && lstatSync(p).isFile()) out.push(`/${relative(this.root, p)}`);
    });
    return out;
  }

  /** Deletes the files under `path` whose name passes `match`. */
  prune(path: string, match: (name: string) => boolean): void {
    for (const p of this.find(path, match)) rmSync(this.at(p));
  }

  link(path: string, target: string): void {
    this.dir(dirname(path));
    symlinkSync(target, this.at(path));
  }

  /** Debian policy: every package ships its copyright and a compressed changelog. */
  docs(copyright: string, changelog: string): void {
    const doc = `/usr/share/doc/${this.control.Package}`;
    this.file(`${doc}/copyright`, copyright);
    this.file(`${doc}/changelog.gz`, gzipSync(Buffer.from(changelog), { level: 9 }));
  }

  script(name: "postinst" | "prerm" | "postrm", body: string): void {
    writeFileSync(join(this.root, "DEBIAN", name), `#!/bin/sh\nset -e\n${body}\n`);
    chmodSync(join(this.root, "DEBIAN", name), 0o755);
  }

  /** Writes control, conffiles and md5sums, then `dpkg-deb --build`; returns the .deb's path. */
  build(outDir: string, compress: { type: "xz" | "gzip"; level: number } = { type: "xz", level: 6 }): string {
    const c = this.control;
    const size = Math.ceil(duKb(this.root, join(this.root, "DEBIAN")));
    const fields = { ...c, "Installed-Size": String(size) } as Record<string, string | undefined>;
    const order = ["Package", "Version", "Architecture", "Maintainer", "Installed-Size", "Depends", "Section", "Priority", "Homepage", "Description"];
    const text = order
      .filter((k) => fields[k] !== undefined)
      .map((k) => `${k}: ${fields[k]}`)
      .join("\n");
    writeFileSync(join(this.root, "DEBIAN", "control"), `${text}\n`);
    if (this.conffiles.length > 0) writeFileSync(join(this.root, "DEBIAN", "conffiles"), `${this.conffiles.join("\n")}\n`);
    writeFileSync(join(this.root, "DEBIAN", "md5sums"), md5sums(this.root));
    for (const f of ["control", "md5sums", "conffiles"]) {
      try {
        chmodSync(join(this.root, "DEBIAN", f), 0o644);
      } catch {
        // conffiles is optional
      }
    }
    mkdirSync(outDir, { recursive: true });
    const out = join(outDir, `${c.Package}_${c.Version}_${c.Architecture}.deb`);
    const r = spawnSync("dpkg-deb", ["--root-owner-group", `-Z${compress.type}`, `-z${compress.level}`, "--build", this.root, out], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`dpkg-deb failed (${r.status ?? r.signal}): ${r.error?.message ?? ""}${r.stderr}`);
    return out;
  }
}

function walk(dir: string, skip: string, visit: (path: string) => void): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (p === skip) continue;
    if (e.isDirectory()) walk(p, skip, visit);
    else visit(p);
  }
}

function duKb(root: string, skip: string): number {
  let bytes = 0;
  walk(root, skip, (p) => {
    bytes += lstatSync(p).size;
  });
  return bytes / 1024;
}

function md5sums(root: string): string {
  const lines: string[] = [];
  walk(root, join(root, "DEBIAN"), (p) => {
    if (!lstatSync(p).isFile()) return;
    lines.push(`${createHash("md5").update(readFileSync(p)).digest("hex")}  ${relative(root, p)}`);
  });
  return `${lines.sort().join("\n")}\n`;
}

/** 0755 for directories and executables, 0644 for everything else, shared objects (.node)
 * included (lintian's expectation). */
function normalizeModes(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    chmodSync(path, 0o755);
    for (const e of readdirSync(path)) normalizeModes(join(path, e));
  } else chmodSync(path, st.mode & 0o111 && !/\.(node|so)$/.test(path) ? 0o755 : 0o644);
}
