"""`finbot eval calibrate`: fit the confidence model on development runs, or check the shipped one.

    finbot eval answers ... --cases runs/mtrag.jsonl          # 1. collect signals and outcomes
    finbot eval calibrate --cases runs/*.jsonl --write         # 2. fit, write model.json + calibration.jsonl
    finbot eval calibrate --check                              # the shipped coefficients are reproducible
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bot.config import Settings

__all__ = ["register"]

HERE = Path(__file__).resolve().parent.parent.parent / "core" / "confidence"
SHIPPED_MODEL = HERE / "model.json"
SHIPPED_DATA = HERE / "calibration.jsonl"


def register(kinds: Any) -> None:
    calibrate = kinds.add_parser("calibrate", help="fit the confidence model (or --check the shipped one)")
    calibrate.add_argument("--cases", type=Path, nargs="*", default=[], help="case files of `finbot eval answers`")
    calibrate.add_argument("--l2", type=float, default=1.0, help="L2 penalty of the logistic regression")
    calibrate.add_argument("--write", action="store_true", help="replace the shipped model.json and its data")
    calibrate.add_argument("--check", action="store_true", help="refit from the shipped data; exit 1 if it differs")
    calibrate.set_defaults(handler=run_calibrate)


async def run_calibrate(args: argparse.Namespace, settings: Settings) -> int:
    from core.confidence.fit import fit_model, read_rows, training_rows
    from core.confidence.model import ConfidenceModel

    if args.check:
        rows = read_rows([SHIPPED_DATA])
        shipped = ConfidenceModel.load(SHIPPED_MODEL)
        refit = fit_model(rows, l2=float(shipped.meta.get("l2", 1.0)), source=str(shipped.meta.get("fitted_on", "")))
        same = refit.weights == shipped.weights and refit.bias == shipped.bias
        print("the shipped confidence model is reproduced" if same else "the shipped model differs from a refit")
        return 0 if same else 1
    if not args.cases:
        print("finbot eval calibrate: give --cases FILE... (from `finbot eval answers --cases`) or --check")
        return 2
    rows = training_rows(read_rows(args.cases))
    sets = sorted({r["set"] for r in rows})
    model = fit_model(rows, l2=args.l2, source=", ".join(sets))
    print(json.dumps(model.to_dict(), indent=2))
    if args.write:
        SHIPPED_DATA.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        SHIPPED_MODEL.write_text(json.dumps(model.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {SHIPPED_MODEL} and {SHIPPED_DATA} ({len(rows)} rows)")
    return 0
