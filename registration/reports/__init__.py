"""The organisers' reports: the dashboard, its charts, and the rule for what counts may be shown."""
