"""Calculation methods per GPC sector that turn a row's parameters into gas masses per unit of activity.

Simple rows (activity × factor) need no method; the engine handles them in bulk. A row names a method in its
``method`` column when the emissions follow an equation of their own (waste, wastewater) or when the activity
must be scaled first (T&D losses, transboundary allocation). Every method cites its equation.
"""
