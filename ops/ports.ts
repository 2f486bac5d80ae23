/** Whether a port of this machine can be listened on, as Docker will listen on it to publish a container's port. */
import { createServer } from "node:net";

/** Free, taken by another program, or at an address this machine does not have. */
export type PortCheck = (address: string, port: number) => Promise<"free" | "taken" | "no such address">;

export const portState: PortCheck = (address, port) =>
  new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      // Another refusal (a privileged port for a user Docker's root proxy does not share) is Docker's to decide.
      resolve(error.code === "EADDRINUSE" ? "taken" : error.code === "EADDRNOTAVAIL" ? "no such address" : "free");
    });
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve("free")));
  });
