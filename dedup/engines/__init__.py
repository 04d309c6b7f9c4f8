"""Engines: where the stages run.

- :mod:`dedup.engines.local`: one machine, a scan in this process and its workers;
- :mod:`dedup.engines.spark`: the same scan on Apache Spark (the only module that imports pyspark);
- :mod:`dedup.engines.pool`: the one pool of worker processes, which owns every process
  and interpreter trick (forking, the garbage collector, the GIL switch interval, pipe
  sizes); the local engine and the index use it, nothing else touches them.

Engines call the stages (:mod:`dedup.steps` and the stage modules) and never
re-implement them, so every engine gives byte-identical reports.
"""
