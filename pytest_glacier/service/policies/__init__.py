"""What may run: vault access policy and lock, their evaluation, retrieval policy, capacity."""
