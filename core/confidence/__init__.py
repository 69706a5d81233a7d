"""The confidence of an answer: the probability that it is right, from signals that vary (core.confidence.signals)
through a logistic model fitted and calibrated on development data (model.json, `finbot eval calibrate`)."""

from core.confidence.model import ConfidenceModel, load_default_model
from core.confidence.signals import SIGNALS, answer_signals

__all__ = ["SIGNALS", "ConfidenceModel", "answer_signals", "load_default_model"]
