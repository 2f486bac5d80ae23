/**
 * How an MCP server's container is built, started and probed, the same on Docker and on ECS. A stdio server
 * runs behind the bridge (mcp-proxy), which keeps one long-lived child process for every session. The bridge runs
 * stateless: it keeps no Streamable HTTP session between requests, so that each request of a client's session may
 * reach another replica (Service Connect spreads requests, not sessions, over the tasks of a service).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BRIDGE, IMAGES } from "../config/constants";
import type { McpServerConfig } from "../config/schema";
import { nodeProbe, pythonProbe, shellProbe } from "./probes";
import { projectRoot } from "./projectRoot";

const IMAGES_DIR = join(projectRoot(), "images");

export interface McpImageBuild {
  readonly context: string;
  /** Absolute path of the Dockerfile. */
  readonly dockerfile: string;
  readonly args: Readonly<Record<string, string>>;
  /** A hash of the Dockerfile and its arguments: a changed package or Dockerfile gets a new tag. */
  readonly tag: string;
}

/** The image build of a server configured with `build`, or undefined for a ready image. */
export function mcpImageBuild(server: McpServerConfig): McpImageBuild | undefined {
  const build = server.build;
  if (build === undefined) return undefined;
  const bridge = server.transport === "stdio" ? BRIDGE.package : "";
  const dockerfile = join(IMAGES_DIR, build.npm !== undefined ? "npm.Dockerfile" : "pip.Dockerfile");
  const args: Record<string, string> =
    build.npm !== undefined
      ? { BASE_IMAGE: build.baseImage ?? IMAGES.nodeBase, PACKAGE: build.npm, BRIDGE_PACKAGE: bridge }
      : {
          BASE_IMAGE: build.baseImage ?? IMAGES.pythonBase,
          PACKAGES: (build.pip ?? []).join(" "),
          BRIDGE_PACKAGE: bridge,
        };
  const tag = createHash("sha256")
    .update(readFileSync(dockerfile))
    .update(JSON.stringify(args))
    .digest("hex")
    .slice(0, 16);
  return { context: IMAGES_DIR, dockerfile, args, tag };
}

/** The address and port a server's process listens on. */
export interface Listen {
  readonly host: string;
  readonly port: number;
}

/**
 * The container's process: an entrypoint replacing the image's, and its arguments. `listen` moves the server to
 * another address and port (a local process on loopback); by default it listens on every interface at its port.
 */
export function mcpProcess(
  server: McpServerConfig,
  listen: Listen = { host: "0.0.0.0", port: server.port },
): { entrypoint?: string[]; command?: string[] } {
  const command = server.command ?? [];
  if (server.transport === "stdio") {
    return {
      entrypoint: ["mcp-proxy"],
      command: [
        "--host",
        listen.host,
        "--port",
        String(listen.port),
        "--stateless",
        "--pass-environment",
        "--",
        ...command,
      ],
    };
  }
  // The schema ties an http server's --port argument to its port: a server moved elsewhere is told so there.
  const portFlag = command.indexOf("--port");
  const moved =
    portFlag < 0 ? [...command] : command.map((word, index) => (index === portFlag + 1 ? String(listen.port) : word));
  if (server.build !== undefined) return { entrypoint: moved.slice(0, 1), command: moved.slice(1) };
  // A ready image keeps its entrypoint; a command replaces its default arguments.
  return server.command === undefined ? {} : { command: moved };
}

/**
 * The argument vector of a server run as a local process, as its container would run it; undefined for a ready
 * image, whose entrypoint only the image knows.
 */
export function mcpLocalArgv(server: McpServerConfig, listen: Listen): string[] | undefined {
  if (server.transport === "http" && server.build === undefined) return undefined;
  const { entrypoint = [], command = [] } = mcpProcess(server, listen);
  return [...entrypoint, ...command];
}

/** A health probe that uses what the image is known to contain. */
export function mcpHealthcheck(server: McpServerConfig): string[] {
  const url = `http://127.0.0.1:${server.port}${server.healthPath}`;
  // The bridge is Python, so every stdio image has it.
  if (server.transport === "stdio" || server.build?.pip !== undefined) return pythonProbe(url);
  if (server.build?.npm !== undefined) return nodeProbe(url);
  return shellProbe(url);
}
