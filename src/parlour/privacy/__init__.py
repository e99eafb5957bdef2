"""The privacy rules: the outbound features and the gate that enforces them (R-7)."""

from parlour.privacy.egress import EgressGate, EgressRefusedError, current, install, report
from parlour.privacy.outbound_features import FeatureState, OutboundFeature, declare_features

__all__ = [
    "EgressGate",
    "EgressRefusedError",
    "FeatureState",
    "OutboundFeature",
    "current",
    "declare_features",
    "install",
    "report",
]
