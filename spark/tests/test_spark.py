"""horizon-spark on Spark local[2]: partitioned runs give what one ``horizon batch`` gives, a
global model trained once forecasts every partition as it does in one process, a bad series
is an error row while the job succeeds, and a binary that cannot run (or cannot run a net)
fails the job fast.

Run from the repository (scripts/test.sh does): ``python -m unittest discover spark/tests``.
The binary is $HORIZON_BINARY, else the debug build.
"""

import os
import shutil
import stat
import sys
import tempfile
import time
import unittest

import pandas as pd

from horizon_spark import HorizonSparkError, forecast, run_batch, train
from horizon_spark._batch import batch_arguments
from horizon_spark._spark import _ship

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("HORIZON_BINARY", os.path.join(ROOT, ".build", "debug", "horizon"))
DEMO = os.path.join(ROOT, "datasets", "retail-demo.csv")
COLUMNS = dict(id="item", time="week", target="sales", freq="W", numeric=["price", "promo"], static=["category"])
QUANTILES = ["p10", "p50", "p90"]


def demo_frame():
    return pd.read_csv(DEMO, dtype={"item": str, "week": str, "category": str})


def one_process(frame, script, horizon):
    """Forecasts of one `horizon batch` run over the whole frame, sorted."""
    args = batch_arguments(BINARY, script=script, horizon=horizon, quantiles=QUANTILES, **COLUMNS)
    forecasts, failures = run_batch(frame, args, QUANTILES)
    return sort(forecasts), failures


def sort(frame):
    return frame.sort_values(["model", "item", "step"]).reset_index(drop=True)


class SparkTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from pyspark.sql import SparkSession

        # The executors' Python must be this one, which has horizon_spark installed.
        os.environ["PYSPARK_PYTHON"] = sys.executable
        cls.spark = (SparkSession.builder.master("local[2]").appName("horizon-spark tests")
                     .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.sql.shuffle.partitions", "4")
                     .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
        cls.spark.sparkContext.setLogLevel("ERROR")
        cls.frame = demo_frame()
        cls.df = cls.spark.createDataFrame(cls.frame)

    @classmethod
    def tearDownClass(cls):
        cls.spark.stop()

    def spark_forecasts(self, result):
        forecasts, errors = result
        frame = sort(forecasts.toPandas())
        return frame, errors.toPandas()

    def test_local_models_match_one_process_on_any_partitioning(self):
        # Models fitted series by series. (The baselines — naive, snaive, drift, mean — are not
        # here: a series too short for errors of its own borrows the errors pooled over the
        # series it is forecast with, so its interval depends on its partition.)
        script = "train ets\ntrain theta"
        expected, failures = one_process(self.frame, script, 8)
        self.assertEqual(len(failures), 0)
        self.assertEqual(len(expected), 2 * 228 * 8)
        for partitions in (1, 3, 7):
            with self.subTest(partitions=partitions):
                got, errors = self.spark_forecasts(forecast(self.df, script, horizon=8, partitions=partitions, binary=BINARY,
                                                            quantiles=QUANTILES, **COLUMNS))
                self.assertEqual(len(errors), 0)
                pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=True)

    def test_a_global_model_trained_once_matches_single_process_inference(self):
        for model, options in (("qrf", "trees=10"), ("mlp", "epochs=2 batches=4 hidden=8")):
            with self.subTest(model=model):
                path = train(self.df, model, options=options, horizon=4, binary=BINARY, quantiles=QUANTILES, **COLUMNS)
                expected, failures = one_process(self.frame, f'load model "{path}"', 4)
                self.assertEqual(len(failures), 0)
                self.assertEqual(len(expected), 228 * 4)
                got, errors = self.spark_forecasts(forecast(self.df, model_file=path, horizon=4, partitions=3, binary=BINARY,
                                                            quantiles=QUANTILES, **COLUMNS))
                self.assertEqual(len(errors), 0)
                pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=True)

    def test_a_training_sample_of_items_still_forecasts_every_item(self):
        path = train(self.df, "qrf", options="trees=5", horizon=2, sample=0.3, binary=BINARY, quantiles=QUANTILES, **COLUMNS)
        got, errors = self.spark_forecasts(forecast(self.df, model_file=path, horizon=2, partitions=2, binary=BINARY,
                                                    quantiles=QUANTILES, **COLUMNS))
        self.assertEqual((len(got), len(errors)), (228 * 2, 0))

    def test_quantiles_in_any_order_give_ascending_columns_and_the_run_can_be_freed(self):
        forecasts, errors = forecast(self.df, "train snaive", horizon=2, partitions=2, binary=BINARY,
                                     quantiles=["p90", "p10", "p50", "p90"], **COLUMNS)
        self.assertEqual(forecasts.columns, ["item", "time", "step", "model", "point", "p10", "p50", "p90"])
        self.assertEqual((forecasts.count(), errors.count()), (228 * 2, 0))
        self.assertTrue(forecasts.horizon_run.is_cached)
        forecasts.horizon_run.unpersist(True)
        self.assertFalse(forecasts.horizon_run.is_cached)
        with self.assertRaises(HorizonSparkError):
            forecast(self.df, "quantiles p5 p95\ntrain snaive", horizon=2, binary=BINARY, **COLUMNS)

    def test_a_new_spark_context_is_sent_the_files_again(self):
        # After spark.stop() a new session has none of the old one's files: shipping is per context.
        class Context:
            def __init__(self, app):
                self.applicationId, self.added = app, []

            def addFile(self, path):
                self.added.append(path)

        class Session:
            def __init__(self, app):
                self.sparkContext = Context(app)

        first, second = Session("app-1"), Session("app-2")
        name = _ship(first, BINARY)
        self.assertEqual((_ship(first, BINARY), len(first.sparkContext.added)), (name, 1))
        self.assertEqual((_ship(second, BINARY), len(second.sparkContext.added)), (name, 1))

    def test_a_duplicate_row_is_an_error_row_and_the_rest_are_forecast(self):
        duplicate = self.frame[self.frame["item"] == "JACKET-01"].head(1)
        df = self.spark.createDataFrame(pd.concat([self.frame, duplicate], ignore_index=True))
        got, errors = self.spark_forecasts(forecast(df, "train snaive", horizon=3, partitions=3, binary=BINARY,
                                                    quantiles=QUANTILES, **COLUMNS))
        self.assertEqual(errors["item"].tolist(), ["JACKET-01"])
        self.assertEqual(errors["stage"].tolist(), ["load"])
        self.assertIn("two rows for the same time", errors["message"].iloc[0])
        self.assertEqual(sorted(set(got["item"])), sorted(set(self.frame["item"]) - {"JACKET-01"}))
        self.assertEqual(len(got), 227 * 3)

    def test_a_missing_or_unrunnable_binary_fails_fast(self):
        folder = tempfile.mkdtemp()
        unrunnable = os.path.join(folder, "horizon")
        with open(unrunnable, "w") as f:
            f.write("\x7fELF not really\n")
        os.chmod(unrunnable, stat.S_IRUSR | stat.S_IWUSR | stat.S_IXUSR)
        # A node without OpenBLAS: --version runs, a net does not (what horizon prints there).
        no_blas = os.path.join(folder, "horizon-without-openblas")
        with open(no_blas, "w") as f:
            f.write('#!/bin/sh\n[ "$1" = --version ] && { echo "horizon 0.0"; exit 0; }\n'
                    'echo \'{"item":null,"message":"cannot load OpenBLAS (libopenblas.so.0)","stage":"job"}\' >&2; exit 2\n')
        os.chmod(no_blas, stat.S_IRUSR | stat.S_IWUSR | stat.S_IXUSR)
        for binary, says in ((os.path.join(folder, "absent", "horizon"), "no such file"), (unrunnable, "cannot run"),
                             (no_blas, "cannot forecast with a net (exit 2): {\"item\":null,\"message\":\"cannot load OpenBLAS")):
            with self.subTest(binary=binary):
                started = time.monotonic()
                with self.assertRaises(HorizonSparkError) as caught:
                    forecasts, _ = forecast(self.df, "train ets", horizon=2, binary=binary, quantiles=QUANTILES, **COLUMNS)
                    forecasts.count()
                self.assertLess(time.monotonic() - started, 60)
                self.assertIn(says, str(caught.exception))
        shutil.rmtree(folder)


if __name__ == "__main__":
    unittest.main()
