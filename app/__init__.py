"""The application layer: use cases that combine IO (data/) with the maths (metrics/).

Pages (views/), the deck and the three command-line tools (``python -m data|metrics|
charts``) call these services; ``data/`` stays IO only and ``metrics/`` stays pure.

- ``app.dataset``: the store's current values scored and ranked per data version.
- ``app.preview``: what a pending upload would change (rankings before and after).
- ``app.deck``: the DT Day deck (checks, slides, PPTX and briefing) for ``python -m charts``.
"""
