/**
 * What the dev proxy sees of the host's AWS directory, and what must be on the host before Docker mounts it. Docker
 * bind-mounts a host path that does not exist by creating it, as a directory owned by root: a missing
 * `~/.aws/config` would come back a directory the user's AWS CLI can neither read nor replace. So every path a mode
 * mounts is checked first, and a missing one stops the program before any resource exists.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { AWS_PROFILE_MOUNT } from "../../config/constants";
import type { ConfigProblem } from "../../config/errors";
import type { StackConfig } from "../../config/schema";

type Credentials = StackConfig["docker"]["awsCredentials"];
type MountMode = Credentials["mount"];

export interface ProfileMount {
  readonly hostPath: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/** One path of the AWS directory a mode mounts: what it is, and the AWS CLI command that makes it. */
interface ProfilePart {
  /** Below the AWS directory; "" for the directory itself. */
  readonly path: string;
  readonly kind: "file" | "directory";
  readonly readOnly: boolean;
  readonly makeWith: (profile: string) => string;
}

const PARTS: Record<MountMode, readonly ProfilePart[]> = {
  // An SSO profile needs the config and the token cache, which botocore writes when it refreshes the token; static
  // keys of every profile stay out.
  sso: [
    { path: "config", kind: "file", readOnly: true, makeWith: (profile) => `aws configure sso --profile ${profile}` },
    {
      path: "sso/cache",
      kind: "directory",
      readOnly: false,
      makeWith: (profile) => `aws sso login --profile ${profile}`,
    },
  ],
  credentials: [
    { path: "config", kind: "file", readOnly: true, makeWith: (profile) => `aws configure --profile ${profile}` },
    { path: "credentials", kind: "file", readOnly: true, makeWith: (profile) => `aws configure --profile ${profile}` },
  ],
  directory: [
    { path: "", kind: "directory", readOnly: true, makeWith: (profile) => `aws configure --profile ${profile}` },
  ],
};

/** The directory as Docker needs it: absolute, `~` being the home directory of the user running the program. */
export function expandHome(path: string, home: string = homedir()): string {
  return path === "~" ? home : path.startsWith("~/") ? join(home, path.slice(2)) : path;
}

function joined(directory: string, path: string): string {
  return path === "" ? directory : `${directory}/${path}`;
}

/** The parts of the host's AWS directory the proxy sees in a mode, and where it sees them. */
export function awsProfileMounts(directory: string, mount: MountMode): ProfileMount[] {
  return PARTS[mount].map((part) => ({
    hostPath: joined(directory, part.path),
    containerPath: joined(AWS_PROFILE_MOUNT, part.path),
    readOnly: part.readOnly,
  }));
}

/** What a path on the host is: a file, a directory, or nothing. */
export type PathKind = "file" | "directory" | "missing";

export function pathKind(path: string): PathKind {
  try {
    return statSync(path).isDirectory() ? "directory" : "file";
  } catch {
    return "missing";
  }
}

/**
 * Every path the configured mode would mount that is missing on the host, or is not what the mode mounts, each a
 * problem of the `docker.awsCredentials` block saying how to make it. None when the proxy gets keys from config and
 * nothing is mounted.
 */
export function awsProfileProblems(
  credentials: Credentials,
  kindOf: (path: string) => PathKind = pathKind,
  home: string = homedir(),
): ConfigProblem[] {
  if (credentials.accessKeyId !== undefined) return [];
  const noFile =
    "or give the proxy keys with docker.awsCredentials.accessKeyId and secretAccessKey, which mounts nothing";
  return PARTS[credentials.mount].flatMap((part): ConfigProblem[] => {
    const shown = joined(credentials.directory, part.path);
    const found = kindOf(joined(expandHome(credentials.directory, home), part.path));
    if (found === part.kind) return [];
    const mode = `mount ${JSON.stringify(credentials.mount)} mounts the ${part.kind} ${shown} into the proxy`;
    const make = part.makeWith(credentials.profile);
    const message =
      found === "missing"
        ? `${mode}, and it does not exist (Docker would create it as a directory owned by root): run ${make} to create it, ${noFile}`
        : `${mode}, and it is a ${found} (a directory there may be one Docker made, owned by root: remove it): run ${make} to create it, ${noFile}`;
    return [{ path: "docker.awsCredentials", message }];
  });
}
