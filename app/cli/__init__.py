"""The command-line tools, thin callers of the application layer (``python -m data|metrics|
charts`` are one-line entry points into these modules)."""
