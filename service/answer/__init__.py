"""The pieces the answer engine (service/engine.py) is assembled from; each module has one job."""
