"""The config.yaml keys the installed LiteLLM reads, as JSON, for config/litellm-settings.json.

general_settings: ConfigGeneralSettings' fields and every key the proxy package reads with general_settings.get("...").
router_settings: the parameters of Router.__init__ (the proxy passes the section to it as keyword arguments).
litellm_settings: the litellm module's settings (lower-case attributes holding plain data; the proxy sets each key
on the module) and the keys load_config handles by name.
"""
import importlib.metadata
import inspect
import json
import os
import re
from pathlib import Path

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

import litellm  # noqa: E402
import litellm.proxy.proxy_server as proxy_server  # noqa: E402
from litellm.proxy._types import ConfigGeneralSettings  # noqa: E402
from litellm.router import Router  # noqa: E402

package = "".join(path.read_text() for path in Path(inspect.getfile(proxy_server)).parent.rglob("*.py"))
server = Path(inspect.getfile(proxy_server)).read_text()

general = set(ConfigGeneralSettings.model_fields) | set(re.findall(r'general_settings\.get\(\s*"([a-z0-9_]+)"', package))
router = set(inspect.signature(Router.__init__).parameters) - {"self", "model_list"}
plain = (type(None), bool, int, float, str, list, dict)
settings = {name for name, value in vars(litellm).items() if name.islower() and not name.startswith("_") and isinstance(value, plain)}
settings |= set(re.findall(r'key == "([a-z0-9_]+)"', server))

print(
    json.dumps(
        {
            "litellmVersion": importlib.metadata.version("litellm"),
            "source": "read from the installed litellm package by test/gateway/litellm_settings.py (npm run gateway:lock)",
            "litellm_settings": sorted(settings),
            "general_settings": sorted(general),
            "router_settings": sorted(router),
        },
        indent=1,
    )
)
