"""The application API: the only thing front ends call."""
