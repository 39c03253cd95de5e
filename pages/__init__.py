"""One module per page: read state -> call data/metrics -> draw with charts/."""
