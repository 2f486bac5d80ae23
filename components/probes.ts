/** Health probe commands (Docker HEALTHCHECK and ECS healthCheck form) that use only what an image contains. */

export function pythonProbe(url: string): string[] {
  return ["CMD", "python3", "-c", `import urllib.request; urllib.request.urlopen('${url}', timeout=5)`];
}

export function nodeProbe(url: string): string[] {
  return ["CMD", "node", "-e", `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
}

/** For an image of unknown make: a shell with busybox wget or curl. */
export function shellProbe(url: string): string[] {
  return ["CMD-SHELL", `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`];
}
