"""Legal tools that give exact answers with the article for every number (docs/tools.md).

Plain functions for the HTTP routes and the chat alike:
    compute_deadline(DeadlineRequest, kb, today=None) -> DeadlineResult
    compute_compensation(CompensationRequest, FiguresBook, kb, today=None) -> CompensationResult
"""
from assistant.tools.compensation import CompensationRequest, CompensationResult, compute_compensation
from assistant.tools.deadlines import URGENT_DAYS, DeadlineRequest, DeadlineResult, compute_deadline
from assistant.tools.figures import FiguresBook

__all__ = ["CompensationRequest", "CompensationResult", "DeadlineRequest", "DeadlineResult", "FiguresBook",
           "URGENT_DAYS", "compute_compensation", "compute_deadline"]
