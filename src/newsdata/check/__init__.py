"""The check stage: walk -> read -> parse -> rules -> per-file facts -> corpus rules -> report.

Its one outward seam is results.FileHook: told of each file checked afresh, with its parsed
document. It imports nothing of the release stage (newsdata.release) and no Arrow.
"""
