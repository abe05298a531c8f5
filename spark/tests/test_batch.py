"""One ``horizon batch`` run from Python, without Spark: what ``run_batch`` returns when the job
fails part-way or its arguments are refused, and paths spliced into a script as strings.

Run from the repository (scripts/test.sh does): ``python -m unittest discover spark/tests``.
"""

import os
import tempfile
import unittest

from horizon_spark import HorizonSparkError, run_batch
from horizon_spark._batch import batch_arguments, horizon_string

from test_spark import BINARY, COLUMNS, QUANTILES, demo_frame


class BatchTests(unittest.TestCase):
    def test_a_job_that_fails_part_way_returns_no_forecasts(self):
        # The first forecast streams rows out before the unknown model stops the job: none is a result.
        args = batch_arguments(BINARY, script="train naive\nforecast\nforecast nosuch", horizon=200, quantiles=QUANTILES, **COLUMNS)
        forecasts, failures = run_batch(demo_frame(), args, QUANTILES)
        self.assertEqual(len(forecasts), 0)
        self.assertEqual(set(failures["stage"]), {"job"})
        self.assertEqual(len(failures), demo_frame()["item"].nunique())

    def test_refused_arguments_are_an_error_of_the_job_not_a_crash_to_retry(self):
        args = batch_arguments(BINARY, script="train naive", horizon=0, quantiles=QUANTILES, **COLUMNS)
        with self.assertRaises(HorizonSparkError):
            run_batch(demo_frame(), args, QUANTILES)

    def test_a_path_is_spliced_as_a_string_whatever_it_holds(self):
        folder = tempfile.mkdtemp(prefix='horizon "spark" \\ test-')
        # A combining mark after the quote and the backslash: still a quote and a backslash.
        path = os.path.join(folder, 'my"\u0301model\\\u0301.hzm')
        frame = demo_frame()
        train = batch_arguments(BINARY, script=f"train mlp epochs=1 hidden=8\nsave model mlp to {horizon_string(path)}", horizon=4,
                                quantiles=QUANTILES, **COLUMNS)
        _, failures = run_batch(frame, train, QUANTILES)
        self.assertEqual(len(failures), 0, failures)
        self.assertTrue(os.path.isfile(path))
        load = batch_arguments(BINARY, script=f"load model {horizon_string(path)}\nforecast", horizon=4, quantiles=QUANTILES, **COLUMNS)
        forecasts, failures = run_batch(frame, load, QUANTILES)
        self.assertEqual(len(failures), 0, failures)
        self.assertEqual(forecasts["item"].nunique(), frame["item"].nunique())
        with self.assertRaises(HorizonSparkError):
            horizon_string("a.hzm\nsave model mlp to victim.csv")


if __name__ == "__main__":
    unittest.main()
