/**
 * A stand-in for the IAM Identity Center portal's GetRoleCredentials, because AWS cannot be reached from here (and
 * moto does not serve the portal API): what botocore calls for a profile with `sso_session` and a cached SSO token,
 * as the Portal API reference describes it. GET /federation/credentials?account_id=&role_name= with the token in
 * x-amz-sso_bearer_token; 200 with roleCredentials (expiration in milliseconds since the epoch); 401
 * UnauthorizedException for a token it did not issue; 400 InvalidRequestException without the parameters; 404
 * ResourceNotFoundException for an account and role it does not assign.
 */
import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { StandInCredentials } from "./bedrock";

export interface SsoStandIn {
  readonly url: string;
  /** Each request: the account, the role and whether its token was the one issued. */
  readonly calls: {
    readonly accountId: string | null;
    readonly roleName: string | null;
    readonly tokenValid: boolean;
  }[];
  stop(): Promise<void>;
}

export interface SsoAssignment {
  /** The access token `aws sso login` cached. */
  readonly accessToken: string;
  readonly accountId: string;
  readonly roleName: string;
  /** The role's short-term credentials: what the stand-in of Bedrock accepts. */
  readonly credentials: StandInCredentials & { readonly sessionToken: string };
}

function answer(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, {
    "content-type": "application/json",
    ...(errorType ? { "x-amzn-errortype": errorType } : {}),
  });
  response.end(JSON.stringify(body));
}

export async function startSsoStandIn(host: string, assignment: SsoAssignment): Promise<SsoStandIn> {
  const calls: SsoStandIn["calls"] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://stand-in");
    if (request.method !== "GET" || url.pathname !== "/federation/credentials")
      return answer(response, 404, { message: `no such operation: ${request.method} ${url.pathname}` });
    const accountId = url.searchParams.get("account_id");
    const roleName = url.searchParams.get("role_name");
    const tokenValid = request.headers["x-amz-sso_bearer_token"] === assignment.accessToken;
    calls.push({ accountId, roleName, tokenValid });
    if (!accountId || !roleName)
      return answer(response, 400, { message: "account_id and role_name are required" }, "InvalidRequestException");
    if (!tokenValid)
      return answer(response, 401, { message: "Session token not found or invalid" }, "UnauthorizedException");
    if (accountId !== assignment.accountId || roleName !== assignment.roleName)
      return answer(response, 404, { message: "No access" }, "ResourceNotFoundException");
    const { accessKeyId, secretAccessKey, sessionToken } = assignment.credentials;
    answer(response, 200, {
      roleCredentials: { accessKeyId, secretAccessKey, sessionToken, expiration: Date.now() + 3_600_000 },
    });
  });
  server.listen(0, host);
  await once(server, "listening");
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    calls,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
