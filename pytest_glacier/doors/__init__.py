"""Front doors: adapters from a client's transport to the one service core."""
