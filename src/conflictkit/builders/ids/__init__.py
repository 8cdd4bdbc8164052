"""Event IDs: `assign_ids(dataset)` numbers new events in place (see `assign` for the rules).

Public API: `assign_ids(dataset, *, release=None, dry_run=False) -> AssignResult`,
`latest_release(dataset)` (the release new IDs are checked against),
`split_id("SYR12") -> ("SYR", 12)`.
One editor per format (`yaml_ids`, `csv_ids`, `json_ids`) writes IDs without touching other bytes.
"""

from conflictkit.builders.ids.assign import Assignment, AssignResult, assign_ids, event_files
from conflictkit.builders.ids.model import split_id
from conflictkit.builders.ids.seen import latest_release

__all__ = ["AssignResult", "Assignment", "assign_ids", "event_files", "latest_release",
           "split_id"]
