"""repcam: counts reps, times holds and spots form faults in physiotherapy exercises."""

__version__ = "0.1.0"
