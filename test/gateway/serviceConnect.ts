/**
 * Service Connect, as a client task sees it: each MCP service's alias (mcp-<name>) resolves, in the task's
 * /etc/hosts, to an address on the task's own loopback (127.255.0.x), where the task's Service Connect proxy
 * listens and spreads each request over the service's tasks. The proxy here is haproxy (Debian's package), a
 * real balancer, in HTTP mode: round robin per request, as Service Connect's Envoy balances, inside the client
 * task's network namespace.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { haproxyHeader, haproxyStats } from "./haproxy";
import { type Started, waitFor } from "./processes";
import type { TaskNetwork } from "./vpc";

export interface ServiceConnectService {
  /** The client alias (dnsName) and port the proxy's config.yaml names. */
  readonly alias: string;
  readonly port: number;
  /** The addresses of the service's running tasks. */
  readonly tasks: readonly string[];
  /** The port the tasks listen on. */
  readonly containerPort: number;
}

export interface ServiceConnectProxy {
  readonly process: Started;
  /** What the client task's DNS answers for each alias. */
  readonly hosts: Readonly<Record<string, string>>;
  /** Requests each task of a service has been sent, by alias, in task order. */
  requestsPerTask(): Promise<Record<string, number[]>>;
}

/** The client task's addresses for its aliases, on its own loopback. */
export function serviceConnectHosts(services: readonly ServiceConnectService[]): Record<string, string> {
  return Object.fromEntries(services.map((service, index) => [service.alias, `127.255.0.${index + 1}`]));
}

export async function startServiceConnectProxy(
  network: TaskNetwork,
  services: readonly ServiceConnectService[],
  logDir: string,
): Promise<ServiceConnectProxy> {
  const hosts = serviceConnectHosts(services);
  const statsSocket = join(logDir, `${network.name}-service-connect.sock`);
  const config = [
    ...haproxyHeader(statsSocket),
    ...services.flatMap((service) => {
      const id = service.alias.replace(/[^A-Za-z0-9]/g, "_");
      return [
        `frontend ${id}`,
        `  bind ${hosts[service.alias]}:${service.port}`,
        `  default_backend ${id}`,
        `backend ${id}`,
        "  balance roundrobin",
        ...service.tasks.map((address, index) => `  server task${index} ${address}:${service.containerPort}`),
      ];
    }),
  ];
  const file = join(logDir, `${network.name}-service-connect.cfg`);
  writeFileSync(file, `${config.join("\n")}\n`);
  const started = network.start(`${network.name}-service-connect`, ["haproxy", "-db", "-f", file], {
    env: { PATH: process.env["PATH"] },
    logDir,
  });
  await waitFor(
    started,
    "its listeners",
    async () =>
      services.every(
        (service) =>
          network.run(
            ["bash", "-c", `exec 3<>/dev/tcp/${hosts[service.alias]}/${service.port}`],
            { PATH: process.env["PATH"] },
            2_000,
          ).status === 0,
      ),
    15_000,
  );
  return {
    process: started,
    hosts,
    requestsPerTask: async () => {
      const rows = await haproxyStats(statsSocket);
      return Object.fromEntries(
        services.map((service) => {
          const id = service.alias.replace(/[^A-Za-z0-9]/g, "_");
          // Column 7 of haproxy's CSV statistics is stot: the requests (sessions) sent to a server.
          return [
            service.alias,
            service.tasks.map((_, index) =>
              Number(rows.find((row) => row[0] === id && row[1] === `task${index}`)?.[7] ?? 0),
            ),
          ];
        }),
      );
    },
  };
}
