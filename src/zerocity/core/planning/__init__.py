"""Net-zero pathway planning: business-as-usual, actions, attribution, targets, costs, uncertainty (PLANNING.md).

Pure: numpy (and scipy/SALib for statistics) only; no web, database or translation code.
"""
