/** The project root, found from a module's folder whether it runs from the sources or from dist/. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export function projectRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${__dirname}`);
  }
}
