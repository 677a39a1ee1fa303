"""The logic that views, the CLI and the API share."""
