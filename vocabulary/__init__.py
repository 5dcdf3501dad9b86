"""The words every layer shares, each defined once: answer kinds and verdicts, context sources,
generic (non-distinctive) work words, how a list of people is written, and what text addressed
to a machine looks like. Imports nothing of ours, so context, prompts, questions and grading
can all use it."""
