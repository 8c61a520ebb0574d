"""Third-party internals, in one place.

The doors and the clock lean on a few names that botocore, freezegun, responses and
aiobotocore do not document: underscore attributes, undocumented classes and functions, and
behaviour of their module internals. Every such name the package uses is reached through
the module of this package named after its library, and nowhere else; when a release moves
one, that module is the only code to change. ``tests/test_compat.py`` (and
``tests/async_clients/test_aio_compat.py`` for aiobotocore) holds one test per name, each
failing with a message that says which name changed.

Importing this package imports none of those libraries: each module imports its own, and
the rest of the package imports a module only where it needs that library anyway.
"""
