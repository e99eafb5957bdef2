"""Front ends: thin adapters from a protocol to the services."""
