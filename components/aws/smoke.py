"""The smoke check of a deployed gateway, run inside the VPC as a one-off ECS task from the proxy's own image.

`litellm-mcp smoke` runs it after a deploy when the gateway is closed to the machine that deployed it (an internal
load balancer, or ingress CIDRs without that machine). It checks what `litellm-mcp status --call-models` checks,
through the stack's load balancer URL: the proxy's liveness and readiness, its model list, one call of each model
(one token, neither read from nor written to the response cache) and each MCP server's tools through the gateway.

It prints one JSON line per check (check, ok, latencyMs, detail), which the CLI reads back from CloudWatch Logs,
and exits 0 when every check passed, 1 when one failed, 2 when its environment is incomplete. It uses what the
image already carries for the proxy itself: httpx, and the MCP SDK (2.x, with httpx2) that LiteLLM's MCP gateway
requires, so Python 3.11 or later (httpx2's floor). The master key comes from Secrets Manager through the ECS agent
and is never printed.
"""

import asyncio
import json
import os
import sys
import time

import httpx
import httpx2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

LIVENESS_PATH = "/health/liveliness"
READINESS_PATH = "/health/readiness"
MCP_PATH = "/mcp"


def settings():
    missing = [name for name in ("SMOKE_PROXY_URL", "SMOKE_MCP_SERVERS", "SMOKE_TIMEOUT_SECONDS") if not os.environ.get(name)]
    if missing:
        print(json.dumps({"error": f"the task's environment lacks {', '.join(missing)}"}), flush=True)
        sys.exit(2)
    return {
        "url": os.environ["SMOKE_PROXY_URL"].rstrip("/"),
        "servers": json.loads(os.environ["SMOKE_MCP_SERVERS"]),
        "timeout": float(os.environ["SMOKE_TIMEOUT_SECONDS"]),
        "key": os.environ.get("LITELLM_MASTER_KEY") or None,
    }


def elapsed_ms(started):
    return round((time.monotonic() - started) * 1000)


def error_text(response):
    """LiteLLM's error: `detail` or `error.message` (a provider's own error, such as Bedrock's), first line."""
    try:
        body = response.json()
    except ValueError:
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    if detail is None and isinstance(body, dict):
        error = body.get("error")
        detail = error.get("message") if isinstance(error, dict) else error
    if detail is None:
        return ""
    text = detail if isinstance(detail, str) else json.dumps(detail)
    return f": {text.splitlines()[0] if text else text}"


def describe(error, timeout):
    """The innermost error of the SDK's task groups, in words."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    if isinstance(error, (TimeoutError, httpx.TimeoutException, httpx2.TimeoutException)):
        return f"no answer within {timeout:g} s"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def refused(response, provider_error=False):
    """Why a request failed; for a model call, the provider's own error LiteLLM passes on (Bedrock's 403 too)."""
    if response.status_code < 400:
        return None
    text = error_text(response)
    if provider_error and text:
        return text[2:]
    if response.status_code in (401, 403):
        return f"the proxy refused the key (HTTP {response.status_code})"
    return f"HTTP {response.status_code}{text}"


async def http_check(client, name, method, path, judge, provider_error=False, **request):
    started = time.monotonic()
    try:
        response = await client.request(method, path, **request)
    except httpx.HTTPError as error:
        reason = describe(error, client.timeout.read)
        return {"check": name, "ok": False, "latencyMs": elapsed_ms(started), "detail": reason if reason.startswith("no answer") else f"no answer: {reason}"}
    latency = elapsed_ms(started)
    problem = refused(response, provider_error)
    if problem:
        return {"check": name, "ok": False, "latencyMs": latency, "detail": problem}
    ok, detail = judge(response)
    return {"check": name, "ok": ok, "latencyMs": latency, "detail": detail}


def readiness(response):
    body = response.json()
    version = f", LiteLLM {body['litellm_version']}" if isinstance(body.get("litellm_version"), str) else ""
    if body.get("db") != "connected":
        return False, f"database {body.get('db', 'unknown')}{version}"
    return True, f"database connected{version}"


async def models_and_calls(client, auth):
    ids = []

    def listed(response):
        ids.extend(model["id"] for model in response.json().get("data", []) if isinstance(model.get("id"), str))
        return (True, f"{len(ids)} model(s): {', '.join(ids)}") if ids else (False, "the proxy serves no model")

    results = [await http_check(client, "models", "GET", "/v1/models", listed, headers=auth)]
    body = lambda model: {"model": model, "max_tokens": 1, "messages": [{"role": "user", "content": "ping"}], "cache": {"no-cache": True, "no-store": True}}
    calls = [http_check(client, f"call {model}", "POST", "/v1/chat/completions", lambda _: (True, "answered"), provider_error=True, headers=auth, json=body(model)) for model in ids]
    return results + list(await asyncio.gather(*calls))


async def mcp_check(url, server, key, timeout):
    """initialize, then tools/list, through the gateway's /mcp with the header that narrows it to one server."""
    started = time.monotonic()
    headers = {"x-mcp-servers": server, **({"x-litellm-api-key": f"Bearer {key}"} if key else {})}
    # The SDK reports an HTTP error without its status: keep the gateway's refusals to say why.
    refusals = []

    async def remember(response):
        if response.status_code >= 400:
            await response.aread()
            refusals.append(response)

    try:
        async with asyncio.timeout(timeout):
            async with httpx2.AsyncClient(headers=headers, timeout=timeout, event_hooks={"response": [remember]}) as http:
                async with streamable_http_client(f"{url}{MCP_PATH}", http_client=http) as (read, write):
                    async with ClientSession(read, write) as session:
                        initialized = await session.initialize()
                        tools = [tool.name for tool in (await session.list_tools()).tools]
    except Exception as error:  # the transport's, the session's and the deadline's errors alike
        detail = refused(refusals[-1]) if refusals else describe(error, timeout)
        return {"check": f"mcp {server}", "ok": False, "latencyMs": elapsed_ms(started), "detail": detail}
    latency = elapsed_ms(started)
    if not tools:
        return {"check": f"mcp {server}", "ok": False, "latencyMs": latency, "detail": "the gateway lists no tool for it", "tools": []}
    info = initialized.server_info
    return {"check": f"mcp {server}", "ok": True, "latencyMs": latency, "detail": f"{info.name} {info.version}: {len(tools)} tool(s): {', '.join(tools)}", "tools": tools}


async def main():
    config = settings()
    auth = {"authorization": f"Bearer {config['key']}"} if config["key"] else {}
    async with httpx.AsyncClient(base_url=config["url"], timeout=config["timeout"]) as client:
        groups = await asyncio.gather(
            http_check(client, "proxy liveness", "GET", LIVENESS_PATH, lambda _: (True, "alive")),
            http_check(client, "proxy readiness", "GET", READINESS_PATH, readiness),
            models_and_calls(client, auth),
            *(mcp_check(config["url"], server, config["key"], config["timeout"]) for server in config["servers"]),
        )
    checks = [check for group in groups for check in (group if isinstance(group, list) else [group])]
    for check in checks:
        print(json.dumps(check), flush=True)
    failed = [check["check"] for check in checks if not check["ok"]]
    print(json.dumps({"smoke": "failed" if failed else "passed", "failed": failed}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
