"""A job's life: InitiateJob's parameters, the job model, its schedule, inventory output."""
