/** Run after tsc by `npm run build`: records what the build was compiled from. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUILD_INFO, fingerprint } from "./freshness";

const distDir = join(__dirname, "..");
writeFileSync(join(distDir, BUILD_INFO), `${JSON.stringify(fingerprint(join(distDir, "..")), null, 2)}\n`);
