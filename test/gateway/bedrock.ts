/**
 * A stand-in for the Amazon Bedrock Runtime API, because Bedrock cannot be reached from here. It answers the two
 * operations LiteLLM's Bedrock client calls for Claude, as the API reference describes them: Converse
 * (POST /model/{modelId}/converse, JSON) and ConverseStream (POST /model/{modelId}/converse-stream, an
 * application/vnd.amazon.eventstream body of messageStart, contentBlockDelta, contentBlockStop, messageStop and
 * metadata events). Every request's SigV4 signature is checked: its shape, its scope (region, service "bedrock")
 * and its value, recomputed with the AWS SDK's signer from the credentials the proxy was given. It serves only the
 * ids the model catalog offers in its region, and refuses the others as Bedrock Runtime does.
 */
import { once } from "node:events";
import {
  createServer,
  type IncomingMessage,
  request as httpRequest,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { EventStreamCodec } from "@smithy/core/event-streams";
import { fromUtf8, Hash, toUtf8 } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";
import { runtimeRefusal } from "../support/bedrock";

export interface StandInCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** One request as the stand-in saw it. */
export interface BedrockCall {
  readonly region: string;
  /** The model or inference profile id from the path, decoded. */
  readonly modelId: string;
  readonly stream: boolean;
  /** Why the signature is wrong, or undefined when it is right. */
  readonly signatureProblem: string | undefined;
  /** The text of the last user message. */
  readonly prompt: string;
}

export interface BedrockStandIn {
  readonly url: string;
  readonly region: string;
  readonly calls: BedrockCall[];
  /** While true, every call is answered with HTTP 503 ServiceUnavailableException, as during a regional outage. */
  failing: boolean;
  /** While true, every call is answered with HTTP 403 AccessDeniedException, as for an account without model access. */
  denied: boolean;
  stop(): Promise<void>;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** The reply text: the stand-in's region and the model, so a test can tell which deployment answered. */
export function standInReply(region: string, modelId: string): string {
  return `stand-in ${region} ${modelId}`;
}

export async function startBedrockStandIn(region: string, credentials: StandInCredentials): Promise<BedrockStandIn> {
  const calls: BedrockCall[] = [];
  // applyChecksum adds x-amz-content-sha256, which only S3 signs.
  const signer = new SignatureV4({
    credentials,
    region,
    service: "bedrock",
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: false,
  });
  const codec = new EventStreamCodec(toUtf8, fromUtf8);

  const state: BedrockStandIn = {
    url: "",
    region,
    calls,
    failing: false,
    denied: false,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(request.url ?? "");
    if (request.method !== "POST" || !match)
      return json(response, 404, { message: `no such operation: ${request.method} ${request.url}` });
    const modelId = decodeURIComponent(match[1]!);
    const stream = match[2] === "converse-stream";
    const signatureProblem = await checkSignature(signer, request, body, region, credentials.accessKeyId);
    const parsed = JSON.parse(body.toString("utf8") || "{}") as {
      messages?: { role: string; content: { text?: string }[] }[];
    };
    const prompt =
      parsed.messages
        ?.at(-1)
        ?.content.map((block) => block.text ?? "")
        .join("") ?? "";
    calls.push({ region, modelId, stream, signatureProblem, prompt });

    if (signatureProblem)
      return json(
        response,
        403,
        {
          message: `The request signature we calculated does not match the signature you provided (${signatureProblem})`,
        },
        "UnrecognizedClientException",
      );
    // An id the model catalog does not offer in this region is refused, as Bedrock Runtime refuses it.
    const refusal = runtimeRefusal(modelId, region, new Date());
    if (refusal) return json(response, refusal.status, { message: refusal.message }, refusal.type);
    if (state.denied)
      return json(
        response,
        403,
        { message: "You don't have access to the model with the specified model ID." },
        "AccessDeniedException",
      );
    if (state.failing)
      return json(
        response,
        503,
        { message: "Bedrock is unable to process your request." },
        "ServiceUnavailableException",
      );

    const text = standInReply(region, modelId);
    const usage = { inputTokens: 9, outputTokens: 5, totalTokens: 14 };
    if (!stream) {
      return json(response, 200, {
        output: { message: { role: "assistant", content: [{ text }] } },
        stopReason: "end_turn",
        usage,
        metrics: { latencyMs: 1 },
      });
    }
    response.writeHead(200, {
      "content-type": "application/vnd.amazon.eventstream",
      "x-amzn-requestid": crypto.randomUUID(),
    });
    const events: [string, unknown][] = [
      ["messageStart", { role: "assistant" }],
      ...text
        .split(/(?<= )/)
        .map((piece): [string, unknown] => ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: piece } }]),
      ["contentBlockStop", { contentBlockIndex: 0 }],
      ["messageStop", { stopReason: "end_turn" }],
      ["metadata", { usage, metrics: { latencyMs: 1 } }],
    ];
    for (const [type, payload] of events) {
      response.write(
        codec.encode({
          headers: {
            ":event-type": { type: "string", value: type },
            ":content-type": { type: "string", value: "application/json" },
            ":message-type": { type: "string", value: "event" },
          },
          body: fromUtf8(JSON.stringify(payload)),
        }),
      );
    }
    response.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  (state as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** Recomputes the request's SigV4 signature and compares; returns what is wrong, or undefined. */
async function checkSignature(
  signer: SignatureV4,
  request: IncomingMessage,
  body: Buffer,
  region: string,
  accessKeyId: string,
): Promise<string | undefined> {
  const authorization = request.headers.authorization ?? "";
  const match = AUTHORIZATION.exec(authorization);
  if (!match) return "no AWS4-HMAC-SHA256 authorization header";
  const [, keyId, date, scopeRegion, service, signedHeaders, signature] = match;
  if (keyId !== accessKeyId) return `signed with access key ${keyId}`;
  if (scopeRegion !== region) return `signed for region ${scopeRegion}, sent to ${region}`;
  if (service !== "bedrock") return `signed for service ${service}`;
  const amzDate = request.headers["x-amz-date"];
  if (typeof amzDate !== "string" || !amzDate.startsWith(date!))
    return "x-amz-date does not match the credential scope";

  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(";")) {
    const value = request.headers[name];
    if (value === undefined) return `signed header ${name} is missing`;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const [path, query = ""] = (request.url ?? "/").split("?");
  const signed = await signer.sign(
    {
      method: request.method ?? "POST",
      protocol: "http:",
      hostname: headers["host"]?.split(":")[0] ?? "127.0.0.1",
      // Bedrock, like every AWS service but S3, signs the path as sent, escaped once more.
      path: path!,
      query: Object.fromEntries(new URLSearchParams(query)),
      headers,
      body,
    },
    {
      signingDate: parseAmzDate(amzDate),
      signingRegion: region,
      signingService: "bedrock",
      signableHeaders: new Set(Object.keys(headers)),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers["authorization"]))?.[1];
  return expected === signature ? undefined : "signature value does not match";
}

function parseAmzDate(text: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)!;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, {
    "content-type": "application/json",
    ...(errorType ? { "x-amzn-errortype": errorType } : {}),
  });
  response.end(JSON.stringify(body));
}

/**
 * One Bedrock Runtime endpoint for every region (LiteLLM's AWS_BEDROCK_RUNTIME_ENDPOINT names one), in front of the
 * stand-in of each region: it sends each request, untouched, to the stand-in of the region its SigV4 credential
 * scope names, and answers 400 for a request that names none.
 */
export async function startBedrockRouter(
  standIns: readonly BedrockStandIn[],
  host: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((request, response) => {
    const region = AUTHORIZATION.exec(request.headers.authorization ?? "")?.[3];
    const target = standIns.find((standIn) => standIn.region === region);
    if (!target) {
      json(
        response,
        400,
        { message: `no Bedrock Runtime stand-in for the region the request is signed for (${region ?? "none"})` },
        "UnrecognizedClientException",
      );
      return;
    }
    const url = new URL(target.url);
    const forwarded = httpRequest(
      { host: url.hostname, port: url.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on("error", (error) => json(response, 502, { message: error.message }));
    request.pipe(forwarded);
  });
  server.listen(0, host);
  await once(server, "listening");
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
