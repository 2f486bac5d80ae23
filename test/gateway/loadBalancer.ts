/**
 * The application load balancer, as a task inside the VPC reaches it: its DNS name resolves (in the task's
 * /etc/hosts) to the balancer's own address, where haproxy (Debian's package, a real balancer) listens on the
 * stack's serving listener, plain HTTP or HTTPS with a certificate for that name from the suite's CA, and forwards
 * each request to the proxy's tasks on their container port, as the listener's target group does.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { haproxyHeader, haproxyStats } from "./haproxy";
import { type Started, waitFor } from "./processes";
import type { TestCa } from "./tls";
import type { LocalVpc } from "./vpc";

export interface LoadBalancerStandIn {
  readonly process: Started;
  /** What a task's DNS answers for the load balancer's name. */
  readonly hosts: Readonly<Record<string, string>>;
  /** Requests the balancer has forwarded to its targets. */
  forwarded(): Promise<number>;
}

export async function startLoadBalancer(
  vpc: LocalVpc,
  options: { url: string; targets: readonly string[]; targetPort: number; ca: TestCa; logDir: string },
): Promise<LoadBalancerStandIn> {
  const url = new URL(options.url);
  const https = url.protocol === "https:";
  const port = Number(url.port || (https ? 443 : 80));
  const network = vpc.task("alb", {});
  let tls = "";
  if (https) {
    const issued = options.ca.issue(url.hostname);
    const pem = join(options.logDir, "alb.pem");
    writeFileSync(pem, `${readFileSync(issued.cert, "utf8")}${readFileSync(issued.key, "utf8")}`);
    tls = ` ssl crt ${pem}`;
  }
  const statsSocket = join(options.logDir, "alb.sock");
  const config = [
    ...haproxyHeader(statsSocket),
    "frontend listener",
    `  bind ${network.ip}:${port}${tls}`,
    "  default_backend targets",
    "backend targets",
    "  balance roundrobin",
    ...options.targets.map((address, index) => `  server target${index} ${address}:${options.targetPort}`),
  ];
  const file = join(options.logDir, "alb.cfg");
  writeFileSync(file, `${config.join("\n")}\n`);
  const started = network.start("alb", ["haproxy", "-db", "-f", file], {
    env: { PATH: process.env["PATH"] },
    logDir: options.logDir,
  });
  await waitFor(
    started,
    "its listener",
    async () =>
      network.run(["bash", "-c", `exec 3<>/dev/tcp/${network.ip}/${port}`], { PATH: process.env["PATH"] }, 2_000)
        .status === 0,
    15_000,
  );
  return {
    process: started,
    hosts: { [url.hostname]: network.ip },
    forwarded: async () => {
      // Column 7 is stot: the sessions, one per request here, sent to the backend.
      const backend = (await haproxyStats(statsSocket)).find((row) => row[0] === "targets" && row[1] === "BACKEND");
      return Number(backend?.[7] ?? 0);
    },
  };
}
