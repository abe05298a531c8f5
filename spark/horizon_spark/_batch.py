"""One ``horizon batch`` run on a pandas DataFrame: the part that runs on an executor.

The table goes to the process's standard input as CSV and the forecasts come back on its
standard output, both through pyarrow's CSV writer and reader (C++), so no temporary file is
written and no row is parsed in Python. Failures come back as JSON lines on standard error.
"""

import ctypes
import io
import json
import signal
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

#: Exit statuses of ``horizon batch``; ``USAGE`` is its arguments' refusal.
EVERY_SERIES, SOME_FAILED, NOTHING, USAGE = 0, 1, 2, 64


class HorizonSparkError(RuntimeError):
    """The job cannot run: the binary is missing or cannot run on an executor, or the
    arguments are wrong. Raised on the driver before a Spark job where it can be told there;
    raised in a task only for arguments ``horizon batch`` itself refuses (which fail alike on
    every retry)."""


class BatchError(RuntimeError):
    """``horizon batch`` ended in a way it never does on its own (killed, crashed): worth a
    retry by Spark, unlike a series' or the job's own error, which come back as rows."""


def horizon_string(text):
    """``text`` as a string of Horizon's language, for a path spliced into a script: quotes and
    backslashes escaped. A line break cannot be written in one (a script line ends there), so
    it is refused rather than let it start a command of its own."""
    if any(c in text for c in "\n\r"):
        raise HorizonSparkError(f"a path in a Horizon script cannot hold a line break: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def quantile_name(level):
    """A level's column name as Horizon writes it: 0.1 -> "p10", 0.025 -> "p2.5"."""
    if isinstance(level, str):
        text = level.strip().lower()
        level = float(text[1:]) / 100 if text.startswith("p") else float(text)
    if not 0 < level < 1:
        raise ValueError(f"a quantile level is strictly between 0 and 1, got {level}")
    pct = level * 100
    if abs(pct - round(pct)) < 1e-9:
        return f"p{int(round(pct))}"
    return "p" + f"{pct:.4f}".rstrip("0")


def batch_arguments(binary, *, id, time, target, freq, script, horizon=None, quantiles=("p10", "p50", "p90"),
                    numeric=(), categorical=(), static=(), season=None, threads=None):
    """The command line of one ``horizon batch`` run reading standard input."""
    args = [binary, "batch", "--data", "-", "--item", id, "--time", time, "--target", target, "--freq", freq,
            "--commands", script, "--quantiles", ",".join(quantile_name(q) for q in quantiles)]
    for flag, names in (("--numeric", numeric), ("--categorical", categorical), ("--static", static)):
        if names:
            args += [flag, ",".join(names)]
    if horizon is not None:
        args += ["--horizon", str(int(horizon))]
    if season is not None:
        args += ["--season", str(int(season))]
    if threads is not None:
        args += ["--threads", str(int(threads))]
    return args


def table_csv(frame):
    """The frame as CSV bytes, written by pyarrow. Times that are dates or timestamps are
    written in ISO 8601, which Horizon reads."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = io.BytesIO()
    pacsv.write_csv(table, sink)
    return sink.getvalue()


def run_batch(frame, args, quantiles, timeout=None):
    """Runs ``horizon batch`` with ``args`` on ``frame`` (columns it does not declare are
    ignored); returns ``(forecasts, failures)`` as pandas DataFrames. A series' failure and the
    job's own failure (every series then failed with stage ``job``) are rows of ``failures``;
    only an abnormal end raises.
    """
    names = [quantile_name(q) for q in quantiles]
    data = table_csv(frame)
    done = subprocess.run(args, input=data, capture_output=True, timeout=timeout, preexec_fn=_end_with_parent)
    records = _records(done.stderr)
    if done.returncode == USAGE:
        # Wrong arguments fail the same way on every retry: not a BatchError.
        raise HorizonSparkError("horizon batch refused its arguments: " + done.stderr.decode("utf-8", "replace")[-2000:])
    if done.returncode not in (EVERY_SERIES, SOME_FAILED, NOTHING) or (done.returncode != EVERY_SERIES and not records):
        tail = done.stderr.decode("utf-8", "replace")[-2000:]
        raise BatchError(f"horizon batch ended with status {done.returncode}: {tail}")
    failures = [r for r in records if r.get("item") is not None]
    job = [r for r in records if r.get("item") is None]
    if job:
        # The job itself failed (a model file that does not fit the data, ...): every series of
        # this partition is reported with that reason, so the Spark job ends and says why.
        # The ids as horizon read them from the CSV it was given (a float id 1.0 is written 1),
        # each once: a series that already failed on its own keeps that row alone.
        item_column = args[args.index("--item") + 1]
        read = pacsv.read_csv(io.BytesIO(data), convert_options=pacsv.ConvertOptions(
            include_columns=[item_column], column_types={item_column: pa.string()}, strings_can_be_null=False))
        reported = {r["item"] for r in failures}
        ids = [i for i in pd.unique(read.column(item_column).to_pandas()) if i not in reported]
        failures += [{"item": i, "stage": "job", "message": job[0].get("message", "")} for i in ids]
    # A job that failed may have written some forecasts before it stopped: none of them is a
    # result (every series is reported failed), so none is returned beside the failures.
    forecasts = _forecasts(b"" if job else done.stdout, names)
    return forecasts, pd.DataFrame(failures, columns=["item", "stage", "message"])


def _end_with_parent():
    """In the child, before horizon starts: end it (SIGTERM) when this Python worker ends. Spark
    kills a cancelled task's worker, and a horizon process left behind would go on using the
    executor's cores until its work was done. Linux only (prctl); elsewhere nothing is set."""
    if sys.platform.startswith("linux"):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)


def _records(stderr):
    records = []
    for line in stderr.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "stage" in record:
            records.append(record)
    return records


def _forecasts(stdout, names):
    columns = ["item", "time", "step", "model", "point"] + names
    if not stdout.strip():
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ["point"] + names else "object") for c in columns})
    types = {"item": pa.string(), "time": pa.string(), "step": pa.int32(), "model": pa.string(), "point": pa.float64()}
    types.update({n: pa.float64() for n in names})
    table = pacsv.read_csv(io.BytesIO(stdout), convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False))
    if table.column_names != columns:
        raise BatchError(f"horizon batch wrote the columns {table.column_names}, expected {columns}")
    return table.to_pandas()
