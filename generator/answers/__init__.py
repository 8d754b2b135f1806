"""Stage 1, answers: the questionnaire model, its field types, loading and rules."""
