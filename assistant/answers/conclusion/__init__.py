"""The plain-words conclusion of a retrieval answer, in parts: the question's form (forms), the
clause read as sentences (sentences), whether it speaks of the asker's case (matching), one reader
per form (yes_no, legality, figures, actions, points) and the plain wording (wording). The entry is
assistant.answers.plain_conclusion."""
