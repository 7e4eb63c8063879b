"""Consultation records (一宗一录入、一宗一测评), monthly reports and the retention purge."""
