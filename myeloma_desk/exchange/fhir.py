"""FHIR R4 export and import of one patient (Bundle of Patient, Condition, Observation,
MedicationStatement), validated with fhir.resources' R4B models.

fhir.resources 8 ships R5 as its default package and R4B (FHIR 4.3) as
``fhir.resources.R4B``; it has no 4.0.1 package. The resources and elements used here are the
same in R4 and R4B, so the JSON written is valid R4. Measured values go out as Observations
with their LOINC code (only fields whose code was verified, see domain/fields.py) and a UCUM
quantity; molar units (µmol/L creatinine, mmol/L calcium, nmol/L β2-microglobulin) are
converted exactly to the mass unit the LOINC code names. Everything else a visit holds travels
in the native JSON format.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from myeloma_desk.domain.display import field_label, mid_sentence
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.snapshot import Quantity, Snapshot
from myeloma_desk.domain.units import UNITS, Dim, accepted_units, from_canonical, to_canonical
from myeloma_desk.domain.vocabulary import diagnosis_label
from myeloma_desk.exchange import codes
from myeloma_desk.exchange.errors import ImportRejected
from myeloma_desk.exchange.messages import as_entered, bundle_problems, fhir_problems
from myeloma_desk.store.models import PatientBundle

FIELD_BY_LOINC = {spec.loinc: name for name, spec in MEASURED_FIELDS.items() if spec.loinc}
VITAL_SIGNS = {"weight", "height", "bmi"}
# Units whose LOINC property is a substance concentration; exported in the canonical mass unit.
_MOLAR_UNITS = {"µmol/L", "umol/L", "mmol/L", "nmol/L"}
MAX_RESOURCES = 50_000


def _bundle_model() -> Any:
    from fhir.resources.R4B.bundle import Bundle

    return Bundle


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _export_quantity(field: str, quantity: Quantity) -> dict[str, Any]:
    spec = MEASURED_FIELDS[field]
    unit = quantity.unit
    value = quantity.value
    if unit in _MOLAR_UNITS:
        canonical = UNITS[spec.dim].canonical
        value = from_canonical(to_canonical(value, unit, spec.dim), canonical, spec.dim)
        unit = canonical
    return {"value": value, "unit": unit, "system": codes.UCUM, "code": UNITS[spec.dim].ucum[unit]}


def export_fhir(bundle: PatientBundle, patient_id: str | None = None) -> dict[str, Any]:
    """A FHIR R4 ``Bundle`` (type collection) for one patient, validated before it is returned."""
    pid = patient_id or uuid.uuid4().hex
    subject = {"reference": f"urn:uuid:{pid}"}
    entries: list[dict[str, Any]] = []
    patient: dict[str, Any] = {"resourceType": "Patient", "id": pid}
    info = bundle.patient
    if info.identifier:
        patient["identifier"] = [{"system": codes.APP_MRN, "value": info.identifier}]
    patient["name"] = [{"text": info.name}]
    if info.sex:
        patient["gender"] = info.sex
    if info.birth_date:
        patient["birthDate"] = info.birth_date.isoformat()
    entries.append({"fullUrl": f"urn:uuid:{pid}", "resource": patient})

    if info.diagnosis and info.diagnosis != "no_plasma_cell_neoplasm":
        dx = codes.DIAGNOSIS_CODES[info.diagnosis]
        codings = [_coding(codes.APP_DIAGNOSIS, info.diagnosis)]
        if dx.icd10cm:
            codings.append(_coding(codes.ICD10CM, dx.icd10cm.code, dx.icd10cm.display))
        if dx.icdo3:
            codings.append(_coding(codes.ICDO3, dx.icdo3.code, dx.icdo3.display))
        condition = {
            "resourceType": "Condition",
            "id": uuid.uuid4().hex,
            "clinicalStatus": {"coding": [_coding(codes.CONDITION_CLINICAL, "active")]},
            "code": {"coding": codings, "text": diagnosis_label(info.diagnosis)},
            "subject": subject,
        }
        entries.append({"fullUrl": f"urn:uuid:{condition['id']}", "resource": condition})

    for visit in bundle.visits:
        for field, spec in MEASURED_FIELDS.items():
            quantity: Quantity | None = getattr(visit.snapshot, field)
            if quantity is None or spec.loinc is None:
                continue
            category = "vital-signs" if field in VITAL_SIGNS else "laboratory"
            observation = {
                "resourceType": "Observation",
                "id": uuid.uuid4().hex,
                "status": "final",
                "category": [{"coding": [_coding(codes.OBSERVATION_CATEGORY, category)]}],
                "code": {"coding": [_coding(codes.LOINC, spec.loinc, spec.label)]},
                "subject": subject,
                "effectiveDateTime": visit.date.isoformat(),
                "valueQuantity": _export_quantity(field, quantity),
            }
            entries.append({"fullUrl": f"urn:uuid:{observation['id']}", "resource": observation})

    for line in bundle.therapy_lines:
        period: dict[str, str] = {}
        if line.start:
            period["start"] = line.start.isoformat()
        if line.end:
            period["end"] = line.end.isoformat()
        extensions: list[dict[str, Any]] = []
        if line.best_response:
            extensions.append({"url": codes.EXT_BEST_RESPONSE, "valueCode": line.best_response})
        if line.refractory is not None:
            extensions.append({"url": codes.EXT_REFRACTORY, "valueBoolean": line.refractory})
        if line.phase is not None:
            extensions.append({"url": codes.EXT_PHASE, "valueCode": line.phase})
        statement: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "id": uuid.uuid4().hex,
            "status": "completed" if line.end else "active",
            "medicationCodeableConcept": {
                "coding": [_coding(codes.APP_DRUG, drug) for drug in line.drugs],
                "text": line.regimen,
            },
            "subject": subject,
        }
        if period:
            statement["effectivePeriod"] = period
        if extensions:
            statement["extension"] = extensions
        entries.append({"fullUrl": f"urn:uuid:{statement['id']}", "resource": statement})

    data = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    _bundle_model().model_validate(data)
    return data


# --- import ----------------------------------------------------------------------------------


def _unit_for_ucum(field: str, ucum: str) -> str | None:
    dim: Dim = MEASURED_FIELDS[field].dim
    for unit in accepted_units(dim):
        if UNITS[dim].ucum.get(unit) == ucum:
            return unit
    return None


def _date_of(text: Any, where: str) -> dt.date:
    if not isinstance(text, str) or len(text) < 10:
        raise ImportRejected([f"{where}: a date (YYYY-MM-DD) is required, not {as_entered(text)}"])
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ImportRejected([f"{where}: {as_entered(text)} is not a date"]) from None


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


@dataclass(frozen=True)
class FhirImport:
    """A validated bundle and what was deliberately not imported, one line each (for the
    import summary)."""

    bundle: PatientBundle
    skipped: tuple[str, ...] = ()


# Statuses that say a resource is not a fact about the patient: skipped with a note (FHIR R4
# value sets observation-status, condition-ver-status, medication-statement-status).
_NOT_A_FACT = {
    "Observation": {"entered-in-error": "entered in error", "cancelled": "cancelled"},
    "MedicationStatement": {"entered-in-error": "entered in error", "not-taken": "not taken"},
}
_CONDITION_NOT_A_FACT = {"entered-in-error": "entered in error", "refuted": "refuted"}


def import_fhir(data: Any) -> PatientBundle:
    """Validate a FHIR Bundle completely and turn it into a :class:`PatientBundle`.

    Raises :class:`ImportRejected` listing the problems; nothing is written by this function.
    What was skipped (see :func:`read_fhir`) is not reported here.
    """
    return read_fhir(data).bundle


def _not_a_fact(resource: dict[str, Any], kind: str) -> str | None:
    """Why a resource must not be imported as fact (entered in error, refuted ...), or None."""
    if kind == "Condition":
        for coding in _codings(resource.get("verificationStatus")):
            reason = _CONDITION_NOT_A_FACT.get(str(coding.get("code")))
            if reason:
                return reason
        return None
    return _NOT_A_FACT.get(kind, {}).get(str(resource.get("status")))


def _patient_references(entries: list[Any]) -> set[str]:
    """Every way a resource of this bundle may point at its Patient."""
    references: set[str] = set()
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            continue
        full_url = entry.get("fullUrl")
        if isinstance(full_url, str) and full_url:
            references.add(full_url)
            if "/Patient/" in full_url:
                references.add("Patient/" + full_url.rsplit("/Patient/", 1)[1])
        if resource.get("id"):
            references.add(f"Patient/{resource['id']}")
    return references


def _about_the_patient(resource: dict[str, Any], references: set[str]) -> bool:
    subject = resource.get("subject")
    reference = subject.get("reference") if isinstance(subject, dict) else None
    return isinstance(reference, str) and reference in references


def _why_skipped(resource: dict[str, Any], kind: str, references: set[str]) -> str | None:
    """Why a clinical resource is not imported (not a fact, not this patient, a bound)."""
    if kind not in ("Condition", "Observation", "MedicationStatement"):
        return None
    reason = _not_a_fact(resource, kind)
    if reason is None and not _about_the_patient(resource, references):
        reason = "its subject is not this bundle's Patient"
    if reason is None and kind == "Observation":
        reason = _comparator(resource)
    return reason


def _validated_entries(data: Any) -> list[Any]:
    """The bundle's entries once the whole bundle passed fhir.resources' R4B validation."""
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise ImportRejected(["the file is not a FHIR Bundle (resourceType must be 'Bundle')"])
    entries = data.get("entry")
    if isinstance(entries, list) and len(entries) > MAX_RESOURCES:
        raise ImportRejected([f"the FHIR bundle has more than {MAX_RESOURCES} resources"])
    try:
        _bundle_model().model_validate(data)
    except ValidationError as error:
        raise ImportRejected(fhir_problems(error, data)) from None
    except RecursionError:
        raise ImportRejected(["the file is nested too deeply"]) from None
    except (ValueError, TypeError):
        # fhir.resources' own wording here is about its code ("can only concatenate str"):
        # not for a reader.
        raise ImportRejected(
            ["The FHIR bundle is not valid FHIR R4: an element holds a value of the wrong kind"]
        ) from None
    except (KeyError, AttributeError, IndexError) as error:
        # fhir.resources raises KeyError for an unknown or empty resourceType inside a
        # contained resource (found by the fuzz test): still a malformed file, not a crash.
        raise ImportRejected(
            [
                "The FHIR bundle holds a resource of an unknown or empty type "
                f"({as_entered(error.args[0] if error.args else '')})"
            ]
        ) from None
    return entries if isinstance(entries, list) else []


def read_fhir(data: Any) -> FhirImport:
    """Validate a FHIR Bundle completely: the bundle to import and what was skipped.

    Skipped with a note, never taken as fact: resources entered in error, refuted conditions,
    cancelled observations and medication statements not taken; observations, conditions and
    medication statements whose subject is not the bundle's Patient; and measured values
    reported with a comparator ("<5", "> 3000": a bound, not a value, which the snapshot
    cannot hold). Raises :class:`ImportRejected` listing the problems; nothing is written.
    """
    entries = _validated_entries(data)
    problems: list[str] = []
    skipped: list[str] = []
    patients: list[dict[str, Any]] = []
    diagnoses: set[str] = set()
    visit_fields: dict[dt.date, dict[str, Any]] = {}
    lines: list[dict[str, Any]] = []
    references = _patient_references(entries)
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            problems.append(f"Entry {index + 1}: it holds no resource")
            continue
        kind = resource.get("resourceType")
        where = (
            f"Entry {index + 1} ({kind})"
            if isinstance(kind, str) and kind
            else f"Entry {index + 1}"
        )
        reason = _why_skipped(resource, str(kind), references)
        if reason is not None:
            skipped.append(f"{where}: not imported ({reason})")
            continue
        try:
            if kind == "Patient":
                patients.append(resource)
            elif kind == "Condition":
                diagnosis = _condition_diagnosis(resource, where)
                if diagnosis:
                    diagnoses.add(diagnosis)
            elif kind == "Observation":
                day, field, value = _observation(resource, where)
                fields = visit_fields.setdefault(day, {})
                if field in fields:
                    raise ImportRejected(
                        [f"{where}: a second {_label(field)} result on {day.isoformat()}"]
                    )
                fields[field] = value
            elif kind == "MedicationStatement":
                lines.append(_medication_statement(resource, where))
            else:
                problems.append(f"{where}: this app does not import resources of this type")
        except ImportRejected as error:
            problems.extend(error.problems)
    if len(patients) != 1:
        problems.append(f"The FHIR bundle must hold exactly one Patient (it holds {len(patients)})")
    if len(diagnoses) > 1:
        named = ", ".join(diagnosis_label(d) for d in sorted(diagnoses))
        problems.append(f"The FHIR bundle names more than one diagnosis: {named}")
    if problems:
        raise ImportRejected(problems)

    patient = patients[0]
    name = " ".join(_names(patient)) or "Imported patient"
    identifier = next(
        (
            str(ident.get("value"))
            for ident in patient.get("identifier") or []
            if isinstance(ident, dict) and ident.get("value")
        ),
        None,
    )
    gender = patient.get("gender")
    raw = {
        "patient": {
            "name": name,
            "identifier": identifier,
            "birth_date": patient.get("birthDate"),
            "sex": gender if gender in ("female", "male") else None,
            "diagnosis": next(iter(diagnoses), None),
        },
        "visits": [
            {"date": day.isoformat(), "snapshot": {"date": day.isoformat(), **fields}}
            for day, fields in sorted(visit_fields.items())
        ],
        "therapy_lines": sorted(lines, key=lambda line: str(line.get("start") or "")),
    }
    try:
        return FhirImport(PatientBundle.model_validate(raw), tuple(skipped))
    except ValidationError as error:
        raise ImportRejected(bundle_problems(error, raw)) from None


def _label(field: str) -> str:
    """A measured field's label inside a sentence ("serum M-protein")."""
    return mid_sentence(field_label(field))


def _comparator(resource: dict[str, Any]) -> str | None:
    """Why a value reported with a comparator is not imported, or None if it has none."""
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, dict) or not quantity.get("comparator"):
        return None
    loinc = [c for c in _codings(resource.get("code")) if c.get("system") == codes.LOINC]
    field = FIELD_BY_LOINC.get(str(loinc[0].get("code"))) if loinc else None
    shown = f"{quantity.get('comparator')} {quantity.get('value')} {quantity.get('unit') or ''}"
    return (
        f"{_label(field) if field else 'the value'} reported as {shown.strip()}: a bound, "
        "not a measured value; it was not stored as a value"
    )


def _names(patient: dict[str, Any]) -> list[str]:
    for name in patient.get("name") or []:
        if not isinstance(name, dict):
            continue
        if name.get("text"):
            return [str(name["text"])]
        family = str(name.get("family") or "")
        given = " ".join(str(g) for g in name.get("given") or [])
        if family or given:
            return [f"{family}, {given}".strip(", ")]
    return []


def _condition_diagnosis(resource: dict[str, Any], where: str) -> str | None:
    app = None
    icd10: str | None = None
    for coding in _codings(resource.get("code")):
        system, code = coding.get("system"), str(coding.get("code") or "")
        if system == codes.APP_DIAGNOSIS:
            if code not in codes.DIAGNOSIS_CODES and code != "no_plasma_cell_neoplasm":
                raise ImportRejected([f"{where}: unknown diagnosis code {as_entered(code)}"])
            app = code
        elif system == codes.ICD10CM:
            if code not in codes.KNOWN_ICD10CM:
                raise ImportRejected(
                    [
                        f"{where}: ICD-10-CM code {as_entered(code)} is not a plasma cell "
                        "neoplasm code "
                        f"this app knows ({', '.join(sorted(codes.KNOWN_ICD10CM))})"
                    ]
                )
            icd10 = code
        elif system == codes.ICDO3:
            if code not in codes.KNOWN_ICDO3:
                raise ImportRejected([f"{where}: unknown ICD-O-3 morphology {as_entered(code)}"])
        else:
            raise ImportRejected([f"{where}: unknown code system {as_entered(system)}"])
    if app is not None:
        expected = codes.DIAGNOSIS_CODES.get(app)
        if icd10 and expected and expected.icd10cm and expected.icd10cm.code != icd10:
            raise ImportRejected(
                [f"{where}: ICD-10-CM {icd10} does not match the diagnosis {diagnosis_label(app)}"]
            )
        return app
    if icd10 is not None:
        return codes.UNAMBIGUOUS_ICD10CM.get(icd10)
    raise ImportRejected([f"{where}: no diagnosis code this app knows"])


def _observation(resource: dict[str, Any], where: str) -> tuple[dt.date, str, dict[str, Any]]:
    loinc = [c for c in _codings(resource.get("code")) if c.get("system") == codes.LOINC]
    if not loinc:
        raise ImportRejected([f"{where}: an Observation needs a LOINC code"])
    code = str(loinc[0].get("code"))
    field = FIELD_BY_LOINC.get(code)
    if field is None:
        raise ImportRejected(
            [f"{where}: LOINC code {as_entered(code)} is not a result this app imports"]
        )
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        raise ImportRejected([f"{where}: {_label(field)} needs a value (a valueQuantity)"])
    ucum = quantity.get("code")
    unit = _unit_for_ucum(field, str(ucum)) if ucum is not None else None
    if ucum is None:
        raise ImportRejected([f"{where}: the unit (a UCUM code) of {_label(field)} is missing"])
    if unit is None:
        raise ImportRejected(
            [
                f"{where}: the UCUM unit {as_entered(ucum)} is not accepted for {_label(field)} "
                f"(accepted: {', '.join(accepted_units(MEASURED_FIELDS[field].dim))})"
            ]
        )
    day = _date_of(resource.get("effectiveDateTime"), f"{where}, date of the result")
    try:
        value = float(quantity["value"])
    except (TypeError, ValueError, OverflowError):
        raise ImportRejected(
            [f"{where}: the {_label(field)} value {as_entered(quantity['value'])} is not a number"]
        ) from None
    return day, field, {"value": value, "unit": unit}


def _medication_statement(resource: dict[str, Any], where: str) -> dict[str, Any]:
    concept = resource.get("medicationCodeableConcept")
    if not isinstance(concept, dict) or not concept.get("text"):
        raise ImportRejected([f"{where}: the regimen name (the medication's text) is missing"])
    drugs = []
    for coding in _codings(concept):
        if coding.get("system") != codes.APP_DRUG:
            raise ImportRejected(
                [f"{where}: unknown drug code system {as_entered(coding.get('system'))}"]
            )
        drugs.append(str(coding.get("code")))
    period = resource.get("effectivePeriod") or {}
    line: dict[str, Any] = {"regimen": str(concept["text"]), "drugs": drugs}
    if period.get("start"):
        line["start"] = _date_of(period["start"], f"{where}, start date").isoformat()
    if period.get("end"):
        line["end"] = _date_of(period["end"], f"{where}, end date").isoformat()
    for extension in resource.get("extension") or []:
        url = extension.get("url") if isinstance(extension, dict) else None
        if url == codes.EXT_BEST_RESPONSE:
            line["best_response"] = extension.get("valueCode")
        elif url == codes.EXT_REFRACTORY:
            line["refractory"] = extension.get("valueBoolean")
        elif url == codes.EXT_PHASE:
            line["phase"] = extension.get("valueCode")
        else:
            raise ImportRejected([f"{where}: unknown extension {as_entered(url)}"])
    return line


def snapshot_fields(snapshot: Snapshot) -> dict[str, Any]:
    """The LOINC-coded fields of a snapshot, as FHIR export carries them (for tests/tools)."""
    return {
        name: getattr(snapshot, name)
        for name, spec in MEASURED_FIELDS.items()
        if spec.loinc and getattr(snapshot, name) is not None
    }
