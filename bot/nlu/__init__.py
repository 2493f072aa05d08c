"""Custom Rasa NLU components: rule-based extractors and the urgent safety net."""
