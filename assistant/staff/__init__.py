"""Staff accounts of the back office (legal-aid centre, mediation, justice bureau)."""
