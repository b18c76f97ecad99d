"""Suzhi (素质): the platform for whole-population quality-improvement campaigns."""
