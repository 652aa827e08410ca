#!/usr/bin/env node
// `lvsctl`: ipvsadm's syntax for any director, through its agent (cli/lvsctl.ts).
import { register } from "tsx/esm/api";

register();
await import("../cli/lvsctl.ts");
