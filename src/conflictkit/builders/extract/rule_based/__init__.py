"""The default extractor: rules and pattern tables, no network, no model."""

from __future__ import annotations

from conflictkit.builders.extract.rule_based.extractor import RuleBasedExtractor

__all__ = ["RuleBasedExtractor"]
