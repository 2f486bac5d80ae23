/** The commands that read the stack files: render, validate and models. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderStack } from "../../components/endpoints";
import { CATALOG_FILE, catalogRegions, parseCatalog } from "../../config/modelCatalog";
import { ConfigError, formatProblem, quote } from "../../config/errors";
import { catalogBeside, loadStackFile } from "../../config/load";
import { stackWarnings } from "../../config/warnings";
import { type Context, listStacks, projectDir, stackFile, stackName } from "../context";
import { EXIT, OpsError, UsageError } from "../errors";
import { refreshCatalog, withCatalogTable } from "../catalog";
import { checkModels, modelsTable } from "../models";
import { type Command, JSON_OUTPUT, REGION, STACK_DEV } from "./shared";

const STACK_ALL = { type: "string", description: "the stack (Pulumi.<stack>.yaml); every stack when absent" } as const;

/** models --refresh: renews the catalog file from Bedrock, and says what changed. */
async function refreshModelCatalog(context: Context): Promise<number> {
  if (context.options["stack"] !== undefined || context.options["json"] !== undefined)
    throw new UsageError("--refresh renews the catalog for every stack: leave out --stack and --json");
  const file = join(projectDir(context.io.cwd), CATALOG_FILE);
  const previous = parseCatalog(JSON.parse(readFileSync(file, "utf8")));
  const given = context.options["regions"];
  const regions =
    typeof given === "string"
      ? given.split(",").map((region) => {
          if (!REGION.test(region))
            throw new UsageError(
              `--regions: expected AWS regions such as "us-east-1,ap-northeast-1", got ${quote(region)}`,
            );
          return region;
        })
      : catalogRegions(previous);
  const say = (line: string) => context.io.stdout.write(`${line}\n`);
  say(`Asking Bedrock in ${regions.length} region(s) with your AWS credentials...`);
  const result = await refreshCatalog(previous, regions, (region) => context.deps.bedrock(region), new Date());
  for (const [region, why] of Object.entries(result.skipped))
    say(`skipped ${region} (kept what the catalog held): ${why}`);
  if (Object.keys(result.skipped).length === regions.length)
    throw new OpsError("no region could be asked: the catalog is unchanged");
  writeFileSync(file, `${JSON.stringify(result.catalog, null, 2)}\n`);
  const readme = join(projectDir(context.io.cwd), "README.md");
  if (existsSync(readme)) writeFileSync(readme, withCatalogTable(readFileSync(readme, "utf8"), result.catalog));
  for (const line of result.changes) say(line);
  say(
    `Wrote ${CATALOG_FILE} and the README's model table (${Object.keys(result.catalog.models).length} models${result.changes.length === 0 ? ", unchanged" : `, ${result.changes.length} change(s)`}); review and commit them, then run litellm-mcp validate`,
  );
  return EXIT.ok;
}

export const CONFIG_COMMANDS: Record<string, Command> = {
  render: {
    summary: "print a stack's LiteLLM config.yaml",
    usage: "litellm-mcp render [--stack <name>]",
    options: { stack: STACK_DEV },
    async run(context) {
      const stack = stackName(context.options, "dev");
      const config = loadStackFile(stackFile(projectDir(context.io.cwd), stack));
      context.io.stdout.write(renderStack(config, stack).yaml);
      return EXIT.ok;
    },
  },

  validate: {
    summary: "check one stack file, or every Pulumi.<stack>.yaml of the project",
    usage: "litellm-mcp validate [--stack <name>]",
    options: { stack: STACK_ALL },
    async run(context) {
      const project = projectDir(context.io.cwd);
      const stacks = context.options["stack"] === undefined ? listStacks(project) : [stackName(context.options)];
      if (stacks.length === 0) throw new UsageError(`no Pulumi.<stack>.yaml files in ${project}`);
      let status: number = EXIT.ok;
      for (const stack of stacks) {
        try {
          const file = stackFile(project, stack);
          const config = loadStackFile(file);
          // Rendering checks what only the whole config can tell (pool sizes, MCP URLs).
          renderStack(config, stack);
          context.io.stdout.write(`Pulumi.${stack}.yaml: valid (${config.target} target, ${config.stage} stage)\n`);
          for (const warning of stackWarnings(config, new Date(), catalogBeside(file)))
            context.io.stderr.write(`${formatProblem(`Pulumi.${stack}.yaml`, warning)}\n`);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          context.io.stderr.write(`${error.message}\n`);
          status = EXIT.failed;
        }
      }
      return status;
    },
  },

  models: {
    summary:
      "ask Bedrock whether each configured model is offered, Active and may be invoked; --refresh renews the model catalog",
    usage: "litellm-mcp models [--stack <name>] [--json] | litellm-mcp models --refresh [--regions <region,region>]",
    options: {
      stack: STACK_DEV,
      json: JSON_OUTPUT,
      refresh: {
        type: "boolean",
        description: `rebuild ${CATALOG_FILE} from Bedrock in each region, with your AWS credentials`,
      },
      regions: {
        type: "string",
        description: "with --refresh: the regions to ask, comma-separated (default: every region the catalog names)",
      },
    },
    async run(context) {
      if (context.options["refresh"] === true) return refreshModelCatalog(context);
      if (context.options["regions"] !== undefined) throw new UsageError("--regions goes with --refresh");
      const stack = stackName(context.options, "dev");
      // Bedrock answers here for ids the catalog does not know yet: the catalog is not asked.
      const config = loadStackFile(stackFile(projectDir(context.io.cwd), stack), { catalog: false });
      const reports = await checkModels(config.models, (region) => context.deps.bedrock(region));
      const failed = reports.some((report) => report.verdict === "failed");
      if (context.options["json"])
        context.io.stdout.write(`${JSON.stringify({ stack, ok: !failed, models: reports }, null, 2)}\n`);
      else context.io.stdout.write(modelsTable(reports));
      return failed ? EXIT.failed : EXIT.ok;
    },
  },
};
