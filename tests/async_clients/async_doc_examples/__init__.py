"""The tested examples of docs/async.md, one file per fenced ``py`` block; they run only where
aiobotocore is installed (tests/async_clients/test_async_docs.py checks each block equals its
file)."""
