"""Answers: dispute-type answer cards (reviewed data), the card matcher and the card checker."""
