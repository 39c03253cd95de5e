"""Frozen copies of the store's schema code as earlier releases shipped it (for upgrade tests)."""
