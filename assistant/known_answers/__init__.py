"""Known answers: staff replies to handoff tickets, approved to answer similar later questions.

`store` keeps them (records database), `match` decides whether one answers a new question and
re-verifies its articles at that moment. Not the retrieval ranker's STARD-derived seed bank of
known questions (knowledge/ranking/known.py): that one only ranks articles."""
