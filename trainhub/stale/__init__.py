"""Stale work: a step done against content that changed since, said in words (which lesson,
question or case changed), and what the hire's mentor or manager decided about it: ask the
hire to redo the step, or mark the change as minor for them."""
