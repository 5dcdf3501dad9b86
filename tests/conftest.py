"""Suite-wide: no test reaches anything but 127.0.0.1, and litellm never fetches its price list."""

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from tests.fakes.provider_guard import no_real_network  # noqa: F401  (autouse fixture)
