"""Measuring the generator: a concept-classifier evaluator trained on real images, metrics, prompt set."""
