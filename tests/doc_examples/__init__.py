"""The tested examples of README.md and docs/*.md, one file per fenced block (tests/test_docs.py
checks each block equals its file)."""
