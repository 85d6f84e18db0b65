"""Screenshots of the main screens for docs/screenshots/*.png, taken on a real X server.

Run under Xvfb (apt-get install xvfb):
    xvfb-run -a -s "-screen 0 1440x900x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python tools/screenshots.py [--out docs/screenshots]
It starts the app on an empty temporary data folder (demo patients loaded when the patient
store is available), fills the forms with a fictional example and grabs each screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QWidget

from myeloma_desk.ui.app import create_window
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.visit_form import NEW_VISIT_KEY

# A fictional newly diagnosed patient (not a real person).
EXAMPLE_VISIT: dict[str, Any] = {
    "date": "2025-03-04",
    "age_years": 67,
    "sex": "female",
    "weight": {"value": 64, "unit": "kg"},
    "serum_m_protein": {"value": 3.4, "unit": "g/dL"},
    "m_protein_heavy_chain": "IgG",
    "m_protein_light_chain": "kappa",
    "free_kappa": {"value": 480, "unit": "mg/L"},
    "free_lambda": {"value": 9, "unit": "mg/L"},
    "beta2_microglobulin": {"value": 4.2, "unit": "mg/L"},
    "albumin": {"value": 31, "unit": "g/L"},
    "ldh": {"value": 260, "unit": "U/L"},
    "ldh_upper_limit": {"value": 225, "unit": "U/L"},
    "creatinine": {"value": 1.4, "unit": "mg/dL"},
    "calcium": {"value": 10.9, "unit": "mg/dL"},
    "hemoglobin": {"value": 9.6, "unit": "g/dL"},
    "bone_marrow_plasma_cells_percent": 35,
    "lytic_lesions": 3,
    "fish": ["t(4;14)", "gain1q"],
}


STAGING_INPUTS = ("beta2_microglobulin", "albumin", "ldh", "ldh_upper_limit", "fish")


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def grab(app: QApplication, window: MainWindow, out: Path, name: str) -> Path:
    settle(app)
    path = out / f"{name}.png"
    window.grab().save(str(path))
    print(f"wrote {path}")
    return path


def wait_for_course(patients: QWidget) -> None:
    """The patient page builds the course in a worker: grab it once it is shown."""
    page = getattr(patients, "patient_page", None)
    wait = getattr(page, "wait_for_course", None)
    if callable(wait):
        wait()


def shoot(out: Path, size: tuple[int, int] = (1280, 800)) -> list[Path]:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as home:
        window, reporter = create_window(home)
        reporter.show_dialogs = False
        window.resize(*size)  # 1280×800: the smallest screen the layout must fit
        window.show()
        settle(app)

        patients = window.show_section_key("patients")
        prepare = getattr(patients, "prepare_screenshot", None)
        if callable(prepare):
            prepare()
        written.append(grab(app, window, out, "patients"))
        patient_page = getattr(patients, "open_first_patient", None)
        if callable(patient_page):
            patient_page()
            wait_for_course(patients)
            written.append(grab(app, window, out, "patient-timeline"))
            trends = getattr(patients, "show_trends", None)
            if callable(trends):
                trends()
                written.append(grab(app, window, out, "trends"))
            page = getattr(patients, "patient_page", None)
            if page is not None:
                page.show_dialogs = False
                dialog = page.print_preview()
                if dialog is not None:
                    dialog.resize(1100, 860)
                    dialog.show()
                    settle(app, 20)
                    path = out / "print-preview.png"
                    dialog.grab().save(str(path))
                    print(f"wrote {path}")
                    written.append(path)
                    dialog.close()

        page = getattr(patients, "patient_page", None)
        record = getattr(page, "record", None)
        if page is not None and record is not None and record.visits:
            # A follow-up of the demo patient: response first, diagnosis carried forward.
            follow_up = page._edit_visit(record.visits[-1].date, new=False)
            if follow_up is not None:
                follow_up.panel.select_rule("response_imwg")
                written.append(grab(app, window, out, "assess-follow-up"))

        assess = window.show_section_key("assess")
        form = getattr(assess, "form", None)
        if form is not None:
            assess.set_subject("", NEW_VISIT_KEY)  # type: ignore[attr-defined]
            form.set_data(EXAMPLE_VISIT)
            assess.update_assessment()  # type: ignore[attr-defined]
            assess.panel.select_rule("iss")  # type: ignore[attr-defined]
            form.tabs.setCurrentIndex(1)
        written.append(grab(app, window, out, "assess"))

        calculators = window.show_section_key("calculators")
        open_calc = getattr(calculators, "open", None)
        if callable(open_calc):
            # The three stages on one set of inputs (shared with every other calculator).
            staging = open_calc("staging")
            staging.form.set_data({k: EXAMPLE_VISIT[k] for k in STAGING_INPUTS})
            staging.compute_all()
            written.append(grab(app, window, out, "calculators"))
            open_calc("iss")  # its inputs are already there
            written.append(grab(app, window, out, "calculator-iss"))
        else:
            written.append(grab(app, window, out, "calculators"))

        for key in ("regimens", "evidence", "reference"):
            section_page: QWidget = window.show_section_key(key)
            prepare = getattr(section_page, "prepare_screenshot", None)
            if callable(prepare):
                prepare()
            written.append(grab(app, window, out, key))

        # The options the PDQ describes for the relapsed demo patient (from the course model).
        store = getattr(patients, "store", None)
        open_patient = getattr(patients, "open_patient", None)
        if page is not None and store is not None and callable(open_patient):
            relapsed = next(
                (s.id for s in store.list_patients() if s.name.startswith("DEMO Ivanova")),
                None,
            )
            if relapsed is not None:
                open_patient(relapsed)
                wait_for_course(patients)
                options_page = page.open_regimens()
                prepare = getattr(options_page, "prepare_screenshot", None)
                if callable(prepare):
                    prepare()
                written.append(grab(app, window, out, "regimens-options"))
        window.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots", type=Path)
    parser.add_argument(
        "--size", default="1280x800", help="window size WIDTHxHEIGHT (default 1280x800)"
    )
    args = parser.parse_args()
    width, _, height = args.size.partition("x")
    if os.environ.get("QT_QPA_PLATFORM", "") == "offscreen":
        print("note: offscreen rendering; use xvfb-run with QT_QPA_PLATFORM=xcb for real fonts")
    shoot(args.out, (int(width), int(height)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
