"""The simulated service: state per (account, region), and one handler module per area."""
