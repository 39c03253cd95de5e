"""Domain records every layer may import (data, metrics, charts, app, views): typed,
pure, no IO. ``domain.framework`` (editions' index structure), ``domain.values`` (the
store's value shape)."""
