/** What the README and the stack files tell a user to type must work as printed. */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { CATALOG } from "../config/modelCatalog";
import { loadStackFile } from "../config/load";
import { renderStack } from "../components/endpoints";
import { catalogTable } from "../ops/catalog";
import { COMMANDS } from "../ops/commands";
import { committedStacks, PROJECT_DIR, stackFile } from "./support/stacks";
import { tempDir } from "./support/tempDirs";

const README = readFileSync(join(PROJECT_DIR, "README.md"), "utf8");

interface Block {
  readonly lang: string;
  readonly text: string;
  /** The README's line where the block starts, and the heading it is under. */
  readonly line: number;
  readonly section: string;
}

/** Every fenced block of the README, with where it is. */
function blocks(): Block[] {
  const found: Block[] = [];
  const lines = README.split("\n");
  let section = "";
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (/^#{2,4} /.test(line)) section = line;
    const open = /^```(\w*)$/.exec(line);
    if (!open) continue;
    const end = lines.indexOf("```", index + 1);
    found.push({ lang: open[1]!, text: lines.slice(index + 1, end).join("\n"), line: index + 1, section });
    index = end;
  }
  return found;
}

// biome-ignore lint/suspicious/noExplicitAny: stack files are free-form YAML merged by key
type Yaml = any;

/** The recipe's keys into the stack's: maps key by key, list items by `name` (others appended), the rest replaced. */
function merge(base: Yaml, patch: Yaml): Yaml {
  if (Array.isArray(base) && Array.isArray(patch)) {
    const merged = [...base];
    for (const item of patch) {
      const at = item?.name === undefined ? -1 : merged.findIndex((existing) => existing?.name === item.name);
      if (at >= 0) merged[at] = merge(merged[at], item);
      else merged.push(item);
    }
    return merged;
  }
  const isMap = (value: Yaml) => value !== null && typeof value === "object" && !Array.isArray(value);
  if (isMap(base) && isMap(patch)) {
    const merged = { ...base };
    for (const [key, value] of Object.entries(patch)) merged[key] = key in base ? merge(base[key], value) : value;
    return merged;
  }
  return patch;
}

/** Every `{config: <key>}` a block references: the recipe tells to set each as a secret. */
function referencedSecrets(value: Yaml): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedSecrets);
  if (value === null || typeof value !== "object") return [];
  const own = Object.keys(value).length === 1 && typeof value.config === "string" ? [value.config as string] : [];
  return [...own, ...Object.values(value).flatMap(referencedSecrets)];
}

/** A copy of the project's stack files and catalog, with a YAML block merged into the file it names. */
function projectWith(block: Block): { dir: string; stack: string } {
  const named = /^# Pulumi\.(\w+)\.yaml\b/.exec(block.text);
  assert.ok(
    named,
    `README.md:${block.line}: a YAML block starts with the stack file it goes into, e.g. "# Pulumi.dev.yaml"`,
  );
  const stack = named[1]!;
  const dir = tempDir("litellm-mcp-readme-");
  for (const file of ["Pulumi.yaml", ...committedStacks().map((name) => `Pulumi.${name}.yaml`), "config"])
    cpSync(join(PROJECT_DIR, file), join(dir, file), { recursive: true });
  const document = parse(readFileSync(stackFile(stack), "utf8")) as { config: Record<string, Yaml> };
  const patch = parse(block.text) as Record<string, Yaml>;
  const config = merge(document.config, patch) as Record<string, Yaml>;
  for (const key of referencedSecrets(patch)) config[`litellm-mcp:${key}`] ??= { secure: "v1:AAAAAAAAAAAAAAAA" };
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), stringify({ ...document, config }));
  return { dir, stack };
}

/** Commands a shell block may run here: they need nothing beyond this repository. */
const OFFLINE = new Set(["validate", "render"]);

/** The shell block's command lines, comments and continuations joined. */
function commandLines(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Whether every command of the block can run on this machine, without Docker, Pulumi, AWS or the network. */
function runsHere(lines: readonly string[]): boolean {
  return lines.every((line) =>
    line
      .split(" | ")
      .every((part, index) =>
        index === 0
          ? /^npx litellm-mcp (\S+)/.exec(part)?.[1] !== undefined &&
            OFFLINE.has(/^npx litellm-mcp (\S+)/.exec(part)![1]!)
          : /^grep /.test(part),
      ),
  );
}

/** Every `... config set ...` instruction, with where it is. */
function configSetInstructions(): { where: string; text: string }[] {
  const files = [
    { where: "README.md", text: README },
    ...committedStacks().map((stack) => ({
      where: `Pulumi.${stack}.yaml`,
      text: readFileSync(stackFile(stack), "utf8"),
    })),
  ];
  return files.flatMap(({ where, text }) =>
    text
      .split("\n")
      .filter((line) => /config set/.test(line))
      .map((line) => ({ where, text: line.trim() })),
  );
}

describe("instructions as printed", () => {
  describe("every YAML block, merged into a copy of the stack file it names", () => {
    for (const block of blocks().filter((candidate) => candidate.lang === "yaml")) {
      it(`README.md:${block.line} (${block.section.replace(/^#+ /, "")}) validates and renders`, () => {
        const { dir, stack } = projectWith(block);
        const config = loadStackFile(join(dir, `Pulumi.${stack}.yaml`));
        renderStack(config, stack);
      });
    }
  });

  describe("every shell block", () => {
    const shell = blocks().filter((candidate) => candidate.lang === "sh");
    it("names only commands and options the litellm-mcp command has", () => {
      for (const block of shell) {
        for (const line of commandLines(block.text)) {
          // Options after `--` are the Pulumi CLI's.
          for (const call of line.matchAll(
            /npx litellm-mcp ([\w-]+)((?: (?!--(?: |$))[^|;&]*?)?)(?= -- | \||;|&|$)/g,
          )) {
            const command = COMMANDS[call[1]!];
            assert.ok(command, `README.md:${block.line}: no command ${call[1]}`);
            for (const option of call[2]!.matchAll(/ --([\w-]+)/g)) {
              assert.ok(option[1]! in command.options, `README.md:${block.line}: ${call[1]} has no --${option[1]}`);
            }
          }
        }
      }
    });

    const runnable = shell.filter((block) => runsHere(commandLines(block.text)));
    it("runs at least the recipes' checks", () =>
      assert.ok(runnable.length >= 3, `${runnable.length} runnable block(s)`));
    for (const block of runnable) {
      it(`README.md:${block.line} (${block.section.replace(/^#+ /, "")}) runs, with the YAML block above it applied`, function () {
        this.timeout(30_000);
        const yaml = blocks().filter(
          (candidate) =>
            candidate.lang === "yaml" && candidate.section === block.section && candidate.line < block.line,
        );
        const { dir } = yaml.length > 0 ? projectWith(yaml.at(-1)!) : { dir: PROJECT_DIR };
        // npx litellm-mcp is this repository's command; set -e and pipefail: every command and every grep must succeed.
        const script = `set -eo pipefail\nnpx() { if [ "$1" = litellm-mcp ]; then shift; node ${JSON.stringify(join(PROJECT_DIR, "ops", "bin.js"))} "$@"; else return 127; fi; }\n${block.text}\n`;
        const result = spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8" });
        assert.equal(result.status, 0, `README.md:${block.line}:\n${result.stdout}\n${result.stderr}`);
      });
    }
  });

  it("shows the model catalog's table as the catalog has it (litellm-mcp models --refresh renews both)", () => {
    const match = /<!-- catalog-table: ([^>]*) -->\n([\s\S]*?)<!-- \/catalog-table -->/.exec(README);
    assert.ok(match, "the README has no catalog table");
    assert.equal(match[2], catalogTable(CATALOG, match[1]!.trim().split(" ")));
  });

  it("sets config on a named stack, and on the dev stack through the CLI that selects its local backend", () => {
    const instructions = configSetInstructions();
    assert.ok(instructions.length >= 5);
    for (const { where, text } of instructions) {
      for (const command of text.match(
        /(npx litellm-mcp pulumi --stack \w+ -- |npm run pulumi:dev -- |litellm-mcp pulumi [^`]*-- )?(?:pulumi )?config set[^`\n]*/g,
      ) ?? []) {
        const viaCli = /^(npx litellm-mcp pulumi --stack \w+ -- |npm run pulumi:dev -- |litellm-mcp pulumi )/.test(
          command,
        );
        const named = /--stack (test|prod)\b/.test(command);
        assert.ok(viaCli || named, `${where}: "${command}" would run on whatever stack and backend are selected`);
        if (/--stack dev\b/.test(command))
          assert.ok(viaCli, `${where}: "${command}" misses the dev stack's local backend`);
      }
    }
  });

  it("has a table of contents whose links all lead to a heading", () => {
    const anchors = new Set(
      README.split("\n")
        .filter((line) => /^#{2,4} /.test(line))
        .map((line) =>
          line
            .replace(/^#+ /, "")
            .toLowerCase()
            .replace(/[^\w\- ]/g, "")
            .replace(/ /g, "-"),
        ),
    );
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]!);
    assert.ok(links.length >= 8, "the README has a table of contents");
    for (const link of links) assert.ok(anchors.has(link), `#${link} leads to no heading`);
  });
});
