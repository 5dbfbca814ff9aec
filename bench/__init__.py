"""`make bench`: the product's throughput, latency, memory and queries per page.

The method is described in `bench/run.py`.
"""
