"""Repository-level test configuration: the suite tests the plugin with pytester."""

pytest_plugins = ["pytester"]
