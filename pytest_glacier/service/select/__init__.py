"""Select jobs: the request, the run over an archive, CSV in and out, the SQL dialect."""
