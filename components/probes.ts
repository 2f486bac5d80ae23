/**
 * Health probe commands (Docker HEALTHCHECK and ECS healthCheck form) that use only what an image contains. The URL
 * is passed as an argument, never spliced into code: a path with quotes, `;` or `$(...)` is requested as written.
 */

export function pythonProbe(url: string): string[] {
  return ["CMD", "python3", "-c", "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)", url];
}

export function nodeProbe(url: string): string[] {
  return [
    "CMD",
    "node",
    "-e",
    "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
    url,
  ];
}

/** For an image of unknown make: a shell with busybox wget or curl. The shell form takes no arguments: quote. */
export function shellProbe(url: string): string[] {
  const quoted = `'${url.replaceAll("'", `'\\''`)}'`;
  return ["CMD-SHELL", `wget -q -O /dev/null ${quoted} || curl -fsS -o /dev/null ${quoted}`];
}
