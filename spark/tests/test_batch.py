"""One ``horizon batch`` run from Python, without Spark: what ``run_batch`` returns when the job
fails part-way or its arguments are refused, and paths spliced into a script as strings.

Run from the repository (scripts/test.sh does): ``python -m unittest discover spark/tests``.
"""

import os
import subprocess
import sys
import tempfile
import time
import unittest

import pandas as pd

from horizon_spark import HorizonSparkError, run_batch
from horizon_spark._batch import batch_arguments, horizon_string

from test_spark import BINARY, COLUMNS, QUANTILES, demo_frame


def _text(path):
    with open(path) as f:
        return f.read().strip()


def _alive(pid):
    """Whether process ``pid`` runs (a zombie, ended but not yet reaped by init, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


class BatchTests(unittest.TestCase):
    def test_a_job_that_fails_part_way_returns_no_forecasts(self):
        # The first forecast streams rows out before the unknown model stops the job: none is a result.
        args = batch_arguments(BINARY, script="train naive\nforecast\nforecast nosuch", horizon=200, quantiles=QUANTILES, **COLUMNS)
        forecasts, failures = run_batch(demo_frame(), args, QUANTILES)
        self.assertEqual(len(forecasts), 0)
        self.assertEqual(set(failures["stage"]), {"job"})
        self.assertEqual(len(failures), demo_frame()["item"].nunique())

    def test_a_failed_job_reports_each_series_once_by_the_id_horizon_read(self):
        frame = demo_frame()
        frame = frame[frame["item"].isin(["JACKET-01", "DETERGENT-01"])].copy()
        frame["item"] = frame["item"].map({"JACKET-01": 1.0, "DETERGENT-01": 2.0})
        frame = pd.concat([frame, frame[frame["item"] == 1.0].head(1)], ignore_index=True)  # item 1: a duplicate row
        args = batch_arguments(BINARY, script="train naive\nforecast nosuch", horizon=2, quantiles=QUANTILES, **COLUMNS)
        _, failures = run_batch(frame, args, QUANTILES)
        self.assertEqual(sorted(zip(failures["item"], failures["stage"])), [("1", "load"), ("2", "job")])

    def test_horizon_ends_when_the_worker_that_started_it_is_killed(self):
        # Spark kills a cancelled task's Python worker; the horizon process must not go on.
        folder = tempfile.mkdtemp()
        pid_file, fake = os.path.join(folder, "pid"), os.path.join(folder, "horizon")
        with open(fake, "w") as f:
            f.write(f'#!/bin/sh\necho $$ > "{pid_file}"\nexec sleep 60\n')
        os.chmod(fake, 0o755)
        worker = subprocess.Popen([sys.executable, "-c", "import pandas as pd\nfrom horizon_spark import run_batch\n"
                                   f"run_batch(pd.DataFrame({{'item': ['A'], 'week': ['2020-01-06'], 'sales': [1.0]}}), [{fake!r}], ['p50'])"])
        deadline = time.monotonic() + 20
        while not os.path.exists(pid_file) or not _text(pid_file):
            self.assertLess(time.monotonic(), deadline, "the fake horizon never started")
            time.sleep(0.05)
        child = int(_text(pid_file))
        worker.kill()
        worker.wait()
        deadline = time.monotonic() + 10
        while _alive(child):
            self.assertLess(time.monotonic(), deadline, "horizon outlived the worker that started it")
            time.sleep(0.05)

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
