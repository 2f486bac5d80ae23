"""What the installed LiteLLM reads of a config.yaml: prints, as JSON, the keys it would not read and the
document as PyYAML (YAML 1.1, LiteLLM's own parser) reads it.

Usage: python litellm_reads.py CONFIG.yaml
"""
import inspect
import json
import sys
from pathlib import Path

import litellm
import litellm.proxy.proxy_server as proxy_server
import yaml
from litellm.proxy._types import ConfigGeneralSettings
from litellm.router import Router

text = Path(sys.argv[1]).read_text()
document = yaml.safe_load(text)
proxy_source = Path(inspect.getfile(proxy_server)).read_text()
# general_settings is a plain dict that the proxy reads with .get("key") all over its package;
# ConfigGeneralSettings documents only part of it.
proxy_package = "".join(path.read_text() for path in Path(inspect.getfile(proxy_server)).parent.rglob("*.py"))
mcp_source = "".join(
    path.read_text() for path in Path(inspect.getfile(litellm)).parent.joinpath("proxy", "_experimental", "mcp_server").glob("*.py")
)

unread = []
general = set(ConfigGeneralSettings.model_fields)
for key in document.get("general_settings") or {}:
    if key not in general and f'"{key}"' not in proxy_package:
        unread.append(f"general_settings.{key}")
router = set(inspect.signature(Router.__init__).parameters)
for key in document.get("router_settings") or {}:
    if key not in router:
        unread.append(f"router_settings.{key}")
for key in document.get("litellm_settings") or {}:
    # The proxy sets each litellm_settings key on the litellm module, or handles it by name.
    if not hasattr(litellm, key) and f'"{key}"' not in proxy_source:
        unread.append(f"litellm_settings.{key}")
for name, server in (document.get("mcp_servers") or {}).items():
    for key in server:
        if f'"{key}"' not in mcp_source:
            unread.append(f"mcp_servers.{name}.{key}")

print(json.dumps({"unread": unread, "document": document}))
