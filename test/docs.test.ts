/** What the README and the stack files tell a user to type must work as printed. */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CATALOG } from "../config/bedrock";
import { catalogTable } from "../ops/catalog";
import { committedStacks, PROJECT_DIR, stackFile } from "./support/stacks";

const README = readFileSync(join(PROJECT_DIR, "README.md"), "utf8");

/** Every `... config set ...` instruction, with where it is. */
function configSetInstructions(): { where: string; text: string }[] {
  const files = [{ where: "README.md", text: README }, ...committedStacks().map((stack) => ({ where: `Pulumi.${stack}.yaml`, text: readFileSync(stackFile(stack), "utf8") }))];
  return files.flatMap(({ where, text }) =>
    text
      .split("\n")
      .filter((line) => /config set/.test(line))
      .map((line) => ({ where, text: line.trim() })),
  );
}

describe("instructions as printed", () => {
  it("shows the model catalog's table as the catalog has it (litellm-mcp models --refresh renews both)", () => {
    const match = /<!-- catalog-table: ([^>]*) -->\n([\s\S]*?)<!-- \/catalog-table -->/.exec(README);
    assert.ok(match, "the README has no catalog table");
    assert.equal(match[2], catalogTable(CATALOG, match[1]!.trim().split(" ")));
  });

  it("sets config on a named stack, and on the dev stack through the CLI that selects its local backend", () => {
    const instructions = configSetInstructions();
    assert.ok(instructions.length >= 5);
    for (const { where, text } of instructions) {
      for (const command of text.match(/(npx litellm-mcp pulumi --stack \w+ -- |npm run pulumi:dev -- |litellm-mcp pulumi [^`]*-- )?(?:pulumi )?config set[^`\n]*/g) ?? []) {
        const viaCli = /^(npx litellm-mcp pulumi --stack \w+ -- |npm run pulumi:dev -- |litellm-mcp pulumi )/.test(command);
        const named = /--stack (test|prod)\b/.test(command);
        assert.ok(viaCli || named, `${where}: "${command}" would run on whatever stack and backend are selected`);
        if (/--stack dev\b/.test(command)) assert.ok(viaCli, `${where}: "${command}" misses the dev stack's local backend`);
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
