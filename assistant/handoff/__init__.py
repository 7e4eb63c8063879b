"""Human handoff: tickets, the staff queue, SLA timers, notifications and outbound replies."""
