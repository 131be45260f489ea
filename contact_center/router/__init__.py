"""The router service: feeds the pure routing engine from the database and the event flow, and
turns its decisions into commands. Design in docs/routing.md, "The router service"."""
