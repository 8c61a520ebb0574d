"""The local HTTP server: the door for the aws CLI, other SDKs and subprocesses."""
