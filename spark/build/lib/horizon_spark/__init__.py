"""Horizon on Apache Spark.

``forecast`` runs ``horizon batch`` once per partition of a Spark DataFrame (items hashed to
partitions, so each series is whole in one of them) and returns the forecasts and the series
that failed, as two DataFrames. ``train`` fits a global model (``qrf``, ``mlp``, ...) once and
returns its model file, which ``forecast`` ships to every executor.
"""

from ._batch import BatchError, HorizonSparkError, quantile_name, run_batch
from ._spark import forecast, probe, train

__all__ = ["forecast", "train", "probe", "run_batch", "quantile_name", "BatchError", "HorizonSparkError"]
