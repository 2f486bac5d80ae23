/**
 * What the suite's haproxy instances share (Service Connect's proxy, the load balancer): the global and default
 * sections of an HTTP balancer with a stats socket, and its statistics read back as rows.
 */
import { createConnection } from "node:net";

/** The global and defaults sections: HTTP mode, long client and server timeouts (streams and tool calls). */
export function haproxyHeader(statsSocket: string): string[] {
  return [
    "global",
    `  stats socket ${statsSocket} mode 600 level user`,
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    // Tool calls and streams may take minutes; the proxy's own timeout bounds them.
    "  timeout client 600s",
    "  timeout server 600s",
  ];
}

/** `show stat` on the stats socket, as rows of its CSV: [proxy, server, ..., stot at index 7 (sessions sent), ...]. */
export async function haproxyStats(statsSocket: string): Promise<string[][]> {
  const stats = await new Promise<string>((resolve, reject) => {
    let text = "";
    const socket = createConnection(statsSocket, () => socket.end("show stat\n"));
    socket.on("data", (chunk) => (text += chunk));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
  return stats
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => line.split(","));
}
