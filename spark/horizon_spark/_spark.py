"""The Spark side: partition the items, ship the binary and the model file, run one
``horizon batch`` per partition with ``mapInPandas``, and split what comes back into forecasts
and failures."""

import hashlib
import math
import numbers
import os
import re
import shutil
import socket
import subprocess
import tempfile

import pandas as pd

from ._batch import HorizonSparkError, batch_arguments, horizon_string, quantile_name, run_batch

#: How long the probe waits for each of its two runs of ``horizon`` on an executor.
PROBE_SECONDS = 30

#: What the probe forecasts on each executor after ``--version``: one short series and a net of
#: one unit trained for one batch (milliseconds). The networks load OpenBLAS at first use, so a
#: node without it passes ``--version`` and would fail every partition; this fails it here.
PROBE_TABLE = b"item,t,y\nprobe,1,1\nprobe,2,2\nprobe,3,3\nprobe,4,4\n"
PROBE_ARGUMENTS = ["batch", "--data", "-", "--item", "item", "--time", "t", "--target", "y", "--freq", "S", "--horizon", "1",
                   "--commands", "train mlp epochs=1 batches=1 batch=1 hidden=1 context=2\nforecast"]


def _binary_on_executor(shipped, fallback):
    """The path of the binary where this code runs: the copy Spark shipped (SparkFiles), else
    ``fallback`` (a path, or a name found on PATH)."""
    if shipped:
        from pyspark import SparkFiles

        path = SparkFiles.get(shipped)
        if os.path.exists(path) and not os.access(path, os.X_OK):
            # SparkFiles copies may lose the execute bit.
            os.chmod(path, os.stat(path).st_mode | 0o111)
        return path
    found = shutil.which(fallback) if os.sep not in fallback else fallback
    return found or fallback


def _ship(spark, path):
    """Adds a driver file to every executor; returns the name SparkFiles knows it by.

    Spark keys shipped files by name and refuses a second file of the same name with other
    contents (two model files both called qrf.hzm, a rebuilt binary), so each is shipped under
    a name that starts with a digest of its contents."""
    if path is None:
        return None
    if not os.path.isfile(path):
        raise HorizonSparkError(f"no such file to ship to the executors: {path}")
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    folder = os.path.join(tempfile.gettempdir(), "horizon-spark-ship")
    os.makedirs(folder, exist_ok=True)
    staged = os.path.join(folder, f"{digest.hexdigest()[:16]}-{os.path.basename(path)}")
    if not os.path.exists(staged):
        shutil.copy2(path, staged + ".part")
        os.replace(staged + ".part", staged)
    # Per SparkContext: a new session after spark.stop() has none of the old one's files.
    key = (spark.sparkContext.applicationId, staged)
    if key not in _shipped:
        spark.sparkContext.addFile(staged)
        _shipped.add(key)
    return os.path.basename(staged)


#: (application, file) pairs this driver has shipped already (Spark warns on each repeat).
_shipped = set()


def _levels(quantiles, script):
    """The quantile columns in the order Horizon writes them: ascending, each once. Refused on
    the driver: a script that sets its own levels would give every task other columns, and each
    task would fail (and be retried) on its own."""
    if script and any(line.strip().lower().startswith("quantiles") for line in script.splitlines()):
        raise HorizonSparkError("set the quantiles with quantiles=[...], not with a 'quantiles' command in the script")
    levels = {}
    for q in quantiles:
        name = quantile_name(q)
        levels[name] = float(name[1:]) / 100
    return sorted(levels, key=levels.get)


def probe(spark, binary="horizon", shipped=None, tasks=None):
    """Runs ``horizon --version`` and a tiny batch forecast with a net in ``tasks`` Spark tasks
    (default: one per core) and raises ``HorizonSparkError`` naming each host where either fails.
    The tasks never raise, so Spark does not retry them: a missing binary or library fails in
    seconds, not after four attempts per task."""
    tasks = tasks or spark.sparkContext.defaultParallelism

    def check(_):
        path = _binary_on_executor(shipped, binary)
        try:
            done = subprocess.run([path, "--version"], capture_output=True, timeout=PROBE_SECONDS)
            ok = done.returncode == 0 and done.stdout.startswith(b"horizon ")
            message = done.stdout.decode("utf-8", "replace").strip() if ok else \
                f"'{path} --version' exited {done.returncode}: {done.stderr.decode('utf-8', 'replace').strip()[-500:]}"
            if ok:
                run = subprocess.run([path] + PROBE_ARGUMENTS, input=PROBE_TABLE, capture_output=True, timeout=PROBE_SECONDS)
                if run.returncode != 0:
                    ok, message = False, f"'{path} batch' cannot forecast with a net (exit {run.returncode}): " \
                        + run.stderr.decode("utf-8", "replace").strip()[-500:]
        except (OSError, subprocess.SubprocessError) as error:
            ok, message = False, f"cannot run '{path}': {error}"
        yield (socket.gethostname(), ok, message)

    results = spark.sparkContext.parallelize(range(tasks), tasks).mapPartitions(check).collect()
    failed = sorted({(host, message) for host, ok, message in results if not ok})
    if failed:
        raise HorizonSparkError("horizon cannot run on the executors: " + "; ".join(f"{h}: {m}" for h, m in failed)
                                + " (ship the portable build with binary=PATH, or install it on every node's PATH)")
    return sorted({message for _, _, message in results})


def _check_sizes(**sizes):
    """Horizon's bounds for the horizon and the season, checked on the driver: refused by
    ``horizon batch`` in every task instead, they would fail the Spark job only after retries."""
    for name, value in sizes.items():
        whole = isinstance(value, numbers.Integral) or (isinstance(value, float) and value.is_integer())
        if value is not None and (isinstance(value, bool) or not whole or not 1 <= value <= 10_000):
            raise HorizonSparkError(f"{name} is a whole number from 1 to 10000, got {value!r}")


def forecast(df, script=None, *, id, time, target, freq, horizon=None, quantiles=("p10", "p50", "p90"), numeric=(),
             categorical=(), static=(), season=None, model_file=None, series_per_partition=None, partitions=None,
             binary=None):
    """Forecasts every series of ``df`` (long format: one row per item and time) with Horizon.

    ``script`` holds Horizon's model commands (``train ets``; ``forecast``; ...). With
    ``model_file`` (from ``train``), ``load model FILE`` runs first, so a global model trained
    once forecasts every partition; without a script, that model alone is forecast.

    Items are hashed to ``partitions`` partitions (default: enough for ``series_per_partition``
    series each when given, else one per core), and each partition is forecast by one
    ``horizon batch`` process using ``spark.task.cpus`` threads. ``binary`` is a path on the
    driver shipped to the executors (else ``horizon`` must be on their PATH); it is probed first.

    Returns ``(forecasts, errors)``: forecasts with columns ``item, time, step, model, point``
    and one column per quantile (``p10``, ...), and errors with ``item, stage, message`` for
    every series left out. The quantile columns come in ascending order. Both come from one
    persisted run, ``forecasts.horizon_run``: ``forecasts.horizon_run.unpersist()`` when done
    (unpersisting ``forecasts`` itself frees nothing, as it is a filter of that run).
    """
    from pyspark.sql import functions as F
    from pyspark.storagelevel import StorageLevel

    spark = df.sparkSession
    if not script and not model_file:
        raise HorizonSparkError("give a script (e.g. 'train ets') or a model_file from train()")
    _check_sizes(horizon=horizon, season=season)
    if model_file:
        horizon_string(os.path.basename(model_file))  # refused here, on the driver, not in every task
    names = _levels(quantiles, script)
    shipped_binary = _ship(spark, binary)
    shipped_model = _ship(spark, model_file)
    fallback = binary or os.environ.get("HORIZON_BINARY", "horizon")
    probe(spark, fallback, shipped_binary)

    columns = [id, time, target, *numeric, *categorical, *static]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise HorizonSparkError(f"the DataFrame has no column {', '.join(missing)} (it has {', '.join(df.columns)})")
    if partitions is None:
        if series_per_partition:
            partitions = max(1, math.ceil(df.select(id).distinct().count() / series_per_partition))
        else:
            partitions = spark.sparkContext.defaultParallelism
    threads = int(spark.conf.get("spark.task.cpus", "1"))
    options = dict(id=id, time=time, target=target, freq=freq, horizon=horizon, quantiles=names, numeric=list(numeric),
                   categorical=list(categorical), static=list(static), season=season, threads=threads)

    def run(batches):
        frames = [b for b in batches if len(b)]
        if not frames:
            return
        frame = pd.concat(frames, ignore_index=True)
        commands = script or ""
        if shipped_model:
            from pyspark import SparkFiles

            commands = f"load model {horizon_string(SparkFiles.get(shipped_model))}\n" + commands
        args = batch_arguments(_binary_on_executor(shipped_binary, fallback), script=commands, **options)
        forecasts, failures = run_batch(frame, args, names)
        if len(forecasts):
            forecasts["error_stage"] = None
            forecasts["error_message"] = None
            yield forecasts
        if len(failures):
            rows = pd.DataFrame({"item": failures["item"].astype(str), "time": None, "step": None, "model": None, "point": None})
            for n in names:
                rows[n] = None
            rows["error_stage"] = failures["stage"].astype(str)
            rows["error_message"] = failures["message"].astype(str)
            yield rows

    schema = ("item string, time string, step int, model string, point double, "
              + "".join(f"`{n}` double, " for n in names) + "error_stage string, error_message string")
    combined = df.select(*columns).repartition(partitions, id).mapInPandas(run, schema).persist(StorageLevel.MEMORY_AND_DISK)
    forecasts = combined.filter(F.col("error_stage").isNull()).drop("error_stage", "error_message")
    errors = combined.filter(F.col("error_stage").isNotNull()).select("item", F.col("error_stage").alias("stage"),
                                                                      F.col("error_message").alias("message"))
    forecasts.horizon_run = errors.horizon_run = combined
    return forecasts, errors


def train(df, model, *, id, time, target, freq, horizon=None, quantiles=("p10", "p50", "p90"), numeric=(), categorical=(),
          static=(), season=None, options="", sample=None, seed=42, path=None, binary=None):
    """Fits the global model ``model`` (``qrf``, ``forest``, ``mlp``, ``mqcnn``, ...) once, on the
    driver, on ``df`` or a ``sample`` fraction of its items, and returns the path of its model
    file (``path``, default a new temporary file) for ``forecast(..., model_file=...)``.

    ``options`` are the model's own (``"trees=200"``, ``"epochs=20"``). The file's manifest
    records the data's frequency, season, horizon and covariates; every partition it is
    loaded in is checked against them.
    """
    # The model and its options go into a script: a model is a name, options are key=value
    # words, and neither may end a line or start a comment or a string.
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", model):
        raise HorizonSparkError(f"a model is named by one word (qrf, mlp, mqcnn, ...), got {model!r}")
    if not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=[^\s\"'#\\]+", word) for word in options.split()):
        raise HorizonSparkError(f"options are key=value words (trees=200 epochs=20), got {options!r}")
    _check_sizes(horizon=horizon, season=season)
    if sample is not None:
        items = df.select(id).distinct().sample(fraction=float(sample), seed=seed)
        df = df.join(items, on=id, how="inner")
    frame = df.select(id, time, target, *numeric, *categorical, *static).toPandas()
    if not len(frame):
        raise HorizonSparkError("nothing to train on: the DataFrame (or its sample) has no rows")
    path = path or os.path.join(tempfile.mkdtemp(prefix="horizon-model-"), f"{model}.hzm")
    executable = binary or shutil.which(os.environ.get("HORIZON_BINARY", "horizon")) or "horizon"
    names = _levels(quantiles, None)
    script = f"set seed {int(seed)}\ntrain {model} {options}\nsave model {model} to {horizon_string(path)}"
    args = batch_arguments(executable, id=id, time=time, target=target, freq=freq, script=script, horizon=horizon,
                           quantiles=names, numeric=list(numeric), categorical=list(categorical), static=list(static), season=season)
    try:
        _, failures = run_batch(frame, args, names)
    except FileNotFoundError as error:
        raise HorizonSparkError(f"cannot run horizon on the driver: {error}") from error
    job = failures[failures["stage"] == "job"]
    if len(job) or not os.path.isfile(path):
        reason = job["message"].iloc[0] if len(job) else "no model file was written"
        raise HorizonSparkError(f"training {model} failed: {reason}")
    return path
