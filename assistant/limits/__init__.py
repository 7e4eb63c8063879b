"""Rate limits: the in-memory and Redis limiters and the guard that falls back when Redis fails."""
