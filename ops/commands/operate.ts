/** The commands the people who run the gateway use: status, smoke, logs, restart and clear-cache. */
import { SMOKE_TASK } from "../../config/constants";
import { type Context, deployedOutputs, deployedStack, masterKeyOf, OUTPUTS_OPTION } from "../context";
import { EXIT, OpsError, UsageError } from "../errors";
import { type GatewayOutputs, localServices, mcpServerNames, responseCache } from "../outputs";
import { flushCache } from "../proxyClient";
import { parseSince } from "../since";
import { smokeTaskChecks } from "../smoke";
import { type Check, collectStatus, type StatusSources } from "../status";
import { type Command, JSON_OUTPUT, STACK_DEV, report } from "./shared";

/** What status reads besides the gateway: the containers, the processes or the ECS services that run it. */
function statusSources(context: Context, outputs: GatewayOutputs): StatusSources {
  const common = { timeoutMs: context.deps.timeoutMs };
  if (outputs.target === "docker") return { docker: context.deps.docker(context.io.env), ...common };
  if (outputs.target === "local") return { local: context.deps.local, ...common };
  return { aws: context.deps.aws(outputs.region), ...common };
}

function dockerServices(outputs: {
  containers: { litellm: string; postgres: string; redis?: string; otel?: string; mcpServers: Record<string, string> };
}): Record<string, string> {
  const { litellm, postgres, redis, otel, mcpServers } = outputs.containers;
  return { litellm, postgres, ...(redis ? { redis } : {}), ...(otel ? { otel } : {}), ...mcpServers };
}

/** The services to act on: the one named, or all in `order`. */
function pick(services: Record<string, string>, service: string | undefined, order: string[]): [string, string][] {
  if (service !== undefined) {
    const target = services[service];
    if (!target) throw new UsageError(unknownService(service, Object.keys(services)));
    return [[service, target]];
  }
  return order.filter((name) => services[name] !== undefined).map((name) => [name, services[name]!]);
}

function unknownService(service: string, known: string[]): string {
  return `unknown service "${service}"; this stack has: ${known.join(", ")}`;
}

export const OPERATE_COMMANDS: Record<string, Command> = {
  status: {
    summary: "check the proxy, its database, models and MCP servers, and what runs them",
    usage: "litellm-mcp status [--stack <name>] [--json] [--call-models] [--outputs <file>]",
    options: {
      stack: STACK_DEV,
      json: JSON_OUTPUT,
      "call-models": {
        type: "boolean",
        description: "also call each model once through the proxy (one token, billed)",
      },
      outputs: OUTPUTS_OPTION,
    },
    async run(context) {
      const deployed = await deployedStack(context, "dev");
      const sources = {
        ...statusSources(context, deployed.outputs),
        callModels: context.options["call-models"] === true,
      };
      return report(context, deployed.stack, await collectStatus(deployed.outputs, deployed.key, sources));
    },
  },

  smoke: {
    summary:
      "check a deployed gateway end to end: health, the models, one call of each, each MCP server's tools (AWS: from a task in the VPC)",
    usage: "litellm-mcp smoke [--stack <name>] [--json] [--outputs <file>]",
    options: { stack: STACK_DEV, json: JSON_OUTPUT, outputs: OUTPUTS_OPTION },
    async run(context) {
      const found = await deployedOutputs(context, "dev");
      const { outputs } = found;
      let checks: Check[];
      if (outputs.target === "aws" && outputs.smoke?.from === "vpc") {
        // The task reads the master key itself, through the ECS agent: this machine needs none, nor a way in.
        const target = {
          cluster: outputs.clusterName,
          taskDefinition: outputs.smoke.taskDefinition,
          subnets: outputs.smoke.subnets,
          securityGroups: outputs.smoke.securityGroups,
        };
        const end = await context.deps
          .aws(outputs.region)
          .smoke(target, { group: outputs.logGroups.proxy, streamPrefix: SMOKE_TASK.streamPrefix }, (line) =>
            context.io.stderr.write(`${line}\n`),
          );
        checks = smokeTaskChecks(end);
      } else {
        if (outputs.target === "aws" && outputs.smoke === undefined) {
          context.io.stderr.write(
            `${found.stack} was deployed before its smoke task existed: checking from this machine (litellm-mcp up adds the task)\n`,
          );
        }
        checks = await collectStatus(outputs, await masterKeyOf(context, outputs), {
          ...statusSources(context, outputs),
          callModels: true,
        });
      }
      return report(context, found.stack, checks);
    },
  },

  logs: {
    summary: "print a service's logs: litellm, postgres, redis or an MCP server",
    usage: "litellm-mcp logs <service> [--stack <name>] [--follow] [--since <10m|2h|1d|ISO time>] [--outputs <file>]",
    options: {
      stack: STACK_DEV,
      outputs: OUTPUTS_OPTION,
      follow: { type: "boolean", description: "keep printing new lines" },
      since: { type: "string", description: "from this long ago (30s, 10m, 2h, 1d) or this time" },
    },
    positionals: [1, 1],
    async run(context) {
      const service = context.positionals[0]!;
      const since = parseSince(context.options["since"]);
      const deployed = await deployedStack(context, "dev");
      const options = {
        follow: context.options["follow"] === true,
        write: (line: string) => context.io.stdout.write(`${line}\n`),
      };
      if (deployed.outputs.target === "local") {
        const processes = localServices(deployed.outputs);
        const process = processes[service];
        if (!process) throw new UsageError(unknownService(service, Object.keys(processes)));
        if (since !== undefined)
          throw new UsageError(
            "--since: the log files of local processes carry no timestamps of their own; leave it out",
          );
        await context.deps.local.logs(process, options);
      } else if (deployed.outputs.target === "docker") {
        const container = dockerServices(deployed.outputs)[service];
        if (!container) throw new UsageError(unknownService(service, Object.keys(dockerServices(deployed.outputs))));
        await context.deps
          .docker(context.io.env)
          .logs(container, { ...options, since: since === undefined ? undefined : Math.floor(since / 1000) });
      } else {
        const groups: Record<string, string> = {
          litellm: deployed.outputs.logGroups.proxy,
          ...deployed.outputs.logGroups.mcpServers,
        };
        if (service === "postgres" || service === "redis") {
          throw new OpsError(
            `${service} runs as a managed AWS service on the ${deployed.stack} stack: see its events in the RDS or ElastiCache console`,
          );
        }
        const group = groups[service];
        if (!group) throw new UsageError(unknownService(service, Object.keys(groups)));
        await context.deps.aws(deployed.outputs.region).logs(group, { ...options, since });
      }
      return EXIT.ok;
    },
  },

  restart: {
    summary: "restart one service, or the gateway: MCP servers first, the proxy last (Postgres and Redis by name only)",
    usage: "litellm-mcp restart [service] [--stack <name>] [--outputs <file>]",
    options: { stack: STACK_DEV, outputs: OUTPUTS_OPTION },
    positionals: [0, 1],
    async run(context) {
      const service = context.positionals[0];
      const deployed = await deployedStack(context, "dev");
      const say = (line: string) => context.io.stdout.write(`${line}\n`);
      if (deployed.outputs.target === "local") {
        throw new OpsError(
          "the gateway's processes were started outside litellm-mcp (--outputs): restart them where they were started",
        );
      }
      if (deployed.outputs.target === "docker") {
        const containers = dockerServices(deployed.outputs);
        // As on AWS: the gateway's own services; the data stores restart only when named.
        const chosen = pick(containers, service, [...mcpServerNames(deployed.outputs), "litellm"]);
        const docker = context.deps.docker(context.io.env);
        for (const [name, container] of chosen) {
          say(`restarting ${name} (${container})`);
          await docker.restart(container);
          say(`${name}: restarted`);
        }
      } else {
        const services: Record<string, string> = {
          litellm: deployed.outputs.services.proxy,
          ...deployed.outputs.services.mcpServers,
        };
        const chosen = pick(services, service, [...mcpServerNames(deployed.outputs), "litellm"]);
        const aws = context.deps.aws(deployed.outputs.region);
        for (const [, ecsService] of chosen) await aws.restart(deployed.outputs.clusterName, ecsService, say);
      }
      return EXIT.ok;
    },
  },

  "clear-cache": {
    summary: "empty the proxy's response cache",
    usage: "litellm-mcp clear-cache [--stack <name>] [--outputs <file>]",
    options: { stack: STACK_DEV, outputs: OUTPUTS_OPTION },
    async run(context) {
      const deployed = await deployedStack(context, "dev");
      const cache = responseCache(deployed.outputs.configYaml);
      if (cache === "none") {
        context.io.stdout.write(
          `${deployed.stack} has no response cache (cache.responses is false): nothing to clear\n`,
        );
        return EXIT.ok;
      }
      if (cache === "local") {
        throw new OpsError(
          `${deployed.stack} caches responses in the proxy's memory, which LiteLLM cannot flush through its API: litellm-mcp restart litellm --stack ${deployed.stack} empties it`,
        );
      }
      const result = await flushCache(deployed.outputs.proxyUrl, deployed.key, context.deps.timeoutMs);
      if (!result.ok) throw new OpsError(`could not clear the cache of ${deployed.stack}: ${result.detail}`);
      context.io.stdout.write(
        `Cleared the response cache of ${deployed.stack} in Redis (${result.latencyMs} ms). The router's shared state in the same Redis is rebuilt as requests arrive.\n` +
          `Each proxy worker also keeps the responses it served in its own memory, in front of Redis, until they expire; litellm-mcp restart litellm --stack ${deployed.stack} empties those too.\n`,
      );
      return EXIT.ok;
    },
  },
};
