"""Where things are: the dataset repository and the release, declared once.

- `dataset`: a dataset repository (conflictkit.toml, events/, imports/ with their sidecars,
  reference/, articles/, releases/) and its one config reader;
- `release`: every file a release holds (`RELEASE_FILES`: name, format, schema, whether it is
  required, how datapackage.json describes it) and the readers every other module uses;
- `checksums`: SHA-256 of a file and the SHA256SUMS format.

Writers, datapackage.json, verify, info, diff, ``conflictkit.load``, ``ids`` and the
cross-record checks all go through these; no other module opens deletions.csv or decides what
a release is.
"""
