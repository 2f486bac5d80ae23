/** Changes to a Pulumi.<stack>.yaml the CLI makes (pinned images, another LiteLLM release, a snapshot to restore). */
import { readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { PROJECT } from "../config/constants";
import { loadStackFile } from "../config/load";
import type { StackConfig } from "../config/schema";

export interface StackEdit {
  /** A key under the project's namespace: ["proxy", "image"] is litellm-mcp:proxy.image. */
  readonly path: readonly (string | number)[];
  /** The new value; undefined removes the key. */
  readonly value: unknown;
}

/**
 * Applies `edits` to the stack file, keeping its comments, once the result validates as a stack; returns the
 * text it held before (to put back) and the new config. A result that does not validate changes nothing.
 */
export function editStackFile(file: string, edits: readonly StackEdit[]): { previous: string; config: StackConfig } {
  const previous = readFileSync(file, "utf8");
  const document = parseDocument(previous);
  for (const { path, value } of edits) {
    const key = ["config", `${PROJECT}:${path[0]}`, ...path.slice(1)];
    if (value === undefined) document.deleteIn(key);
    else document.setIn(key, value);
  }
  const text = document.toString();
  const config = loadStackFile(file, { text });
  writeFileSync(file, text);
  return { previous, config };
}
