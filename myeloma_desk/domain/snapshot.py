"""The clinical snapshot: what is known about a patient on one date (pydantic, no I/O).

The shape is fixed from outside by ../shared/reference/assessment-interchange.md. Every field is
optional; absent means *unknown*, never *normal*. Every measured value is a :class:`Quantity`
with its unit; :meth:`Snapshot.get` returns it converted exactly to the canonical unit in which
the criteria are written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from myeloma_desk.domain.fields import MEASURED_FIELDS, FieldSpec
from myeloma_desk.domain.units import Dim, UnitError, accepted_units, fmt, to_canonical

T = TypeVar("T")
# Largest magnitude accepted for a measured value, in the unit entered (docs/assess.md).
MAX_MAGNITUDE = 1e12
_UNSET: Any = object()  # marks a memo entry not yet computed (a value may be None)
# The memo key of each measured field's shown text, made once (not concatenated per call).
# Per measured field: its memo key for Snapshot.shown, and how its value is shown: with the
# unit entered (_WITH_UNIT), or followed by "%" (percentages) or by nothing (counts).
_WITH_UNIT = "unit"
_SHOWN = {
    name: (
        "shown:" + name,
        "%" if spec.dim is Dim.PERCENT else "" if spec.dim is Dim.COUNT else _WITH_UNIT,
    )
    for name, spec in MEASURED_FIELDS.items()
}
_DERIVED_KEYS = "derived:keys"  # the memo entry listing the intermediates computed (derived)
# pydantic's per-instance slots, set through their descriptors (Snapshot.copy_with).
_new_object = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class Quantity(BaseModel):
    """A measured value with its unit, e.g. ``{"value": 3.2, "unit": "g/dL"}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # The value in its field's canonical unit, as (dimension, value), set once when the snapshot
    # is validated (its plausibility check converts it) and read by ``Snapshot.get``: a value is
    # converted once (issue 18). A slot, not a field: never compared, dumped or copied.
    __slots__ = ("_canonical",)

    # Strict: a JSON number only (true/false and numeric strings are rejected, nothing is
    # coerced). The magnitude limit keeps unit conversion exact in decimal; every plausible
    # clinical value is far inside it (docs/assess.md, "Input limits").
    value: float = Field(allow_inf_nan=False, strict=True)
    unit: str = Field(min_length=1, max_length=32)

    @field_validator("value")
    @classmethod
    def _magnitude(cls, value: float) -> float:
        if abs(value) > MAX_MAGNITUDE:
            raise ValueError(
                f"{value:.3g} is too large to be a plausible measured value (the limit is "
                f"{MAX_MAGNITUDE:.0e} in any unit)"
            )
        return value


class Fish(StrEnum):
    """FISH / genomic findings named in the interchange spec."""

    DEL17P = "del17p"
    TP53_MUTATION = "tp53_mutation"
    T_4_14 = "t(4;14)"
    T_14_16 = "t(14;16)"
    T_14_20 = "t(14;20)"
    T_11_14 = "t(11;14)"
    T_6_14 = "t(6;14)"
    GAIN1Q = "gain1q"
    AMP1Q = "amp1q"
    DEL1P32_MONO = "del1p32_monoallelic"
    DEL1P32_BI = "del1p32_biallelic"
    DEL13 = "del13"
    HYPERDIPLOIDY = "hyperdiploidy"


class PatientIdentity(BaseModel):
    """Identity used by reports only; the engine never reads it."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    identifier: str | None = Field(default=None, max_length=100)
    birth_date: dt.date | None = None


class Amyloidosis(BaseModel):
    """AL amyloidosis findings (IMWG 2014 criteria)."""

    model_config = ConfigDict(extra="forbid")

    biopsy_proven: bool | None = None  # Congo red positive in any tissue
    light_chain_typed: bool | None = None  # mass spectrometry or immunoelectron microscopy
    organs: list[Literal["heart", "kidney", "liver", "nerve", "gi", "soft_tissue"]] | None = None


class Poems(BaseModel):
    """POEMS syndrome features (Dispenzieri 2019); None = not assessed."""

    model_config = ConfigDict(extra="forbid")

    polyneuropathy: bool | None = None
    castleman: bool | None = None
    sclerotic_bone_lesions: bool | None = None
    vegf_elevated: bool | None = None
    organomegaly: bool | None = None
    extravascular_volume_overload: bool | None = None
    endocrinopathy: bool | None = None
    skin_changes: bool | None = None
    papilledema: bool | None = None
    thrombocytosis_or_polycythemia: bool | None = None


class IgmFindings(BaseModel):
    """IgM MGUS exclusions (IMWG 2014) other than anemia; None = not recorded."""

    model_config = ConfigDict(extra="forbid")

    constitutional_symptoms: bool | None = None
    hyperviscosity: bool | None = None
    lymphadenopathy: bool | None = None
    hepatosplenomegaly: bool | None = None


class Mrd(BaseModel):
    """Minimal residual disease as recorded."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["negative", "positive"]
    method: Literal["NGF", "NGS", "other"] | None = None
    sensitivity: float | None = Field(default=None, gt=0, le=1, strict=True)
    # PET/CT for imaging-plus MRD negativity (Kumar 2016): true when every area of increased
    # tracer uptake at baseline or on the preceding PET/CT has gone, or fallen below the
    # mediastinal blood pool or the surrounding normal tissue; false when uptake remains.
    pet_ct_negative: bool | None = None


class SpinalLesions(BaseModel):
    """Lytic lesions of the spine and the findings the PDQ names for radiation (engine II)."""

    model_config = ConfigDict(extra="forbid")

    lytic_spine_lesion: bool | None = None
    paraspinal_plasmacytoma: bool | None = None  # extramedullary (paraspinal) plasmacytoma
    painful_vertebral_destruction: bool | None = None
    cord_compression: bool | None = None  # on CT or MRI


class VteRiskFactors(BaseModel):
    """IMPEDE VTE inputs; None = not recorded."""

    model_config = ConfigDict(extra="forbid")

    pelvic_hip_femur_fracture: bool | None = None
    erythropoiesis_stimulating_agent: bool | None = None
    doxorubicin: bool | None = None
    asian_pacific_islander: bool | None = None
    history_of_vte: bool | None = None
    tunneled_line_or_cvc: bool | None = None
    dexamethasone: Literal["none", "low", "high"] | None = None
    thromboprophylaxis: (
        Literal["none", "prophylactic_lmwh_or_aspirin", "therapeutic_lmwh_or_warfarin"] | None
    ) = None
    immunomodulatory_drug: bool | None = None


ResponseCategory = Literal["sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"]


class TherapyLine(BaseModel):
    """One line of therapy (Rajkumar 2015 definitions)."""

    model_config = ConfigDict(extra="forbid")

    regimen: str = Field(min_length=1, max_length=100)
    drugs: list[str] = Field(default_factory=list, max_length=20)
    start: dt.date | None = None
    end: dt.date | None = None
    best_response: ResponseCategory | None = None
    refractory: bool | None = None  # progression on therapy or within 60 days of its end
    # Part of a planned sequence (Rajkumar 2015): "transplant", "consolidation" and
    # "maintenance" continue the line of the entry before them (domain/lines.py).
    phase: Literal["induction", "transplant", "consolidation", "maintenance"] | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> TherapyLine:
        if self.start and self.end and self.end < self.start:
            raise ValueError("end date is before start date")
        return self


def _measured_schema(schema: dict[str, Any]) -> None:
    """Publish each measured field's accepted units and plausible range in the JSON Schema."""
    properties = schema.get("properties", {})
    for name, spec in MEASURED_FIELDS.items():
        prop = properties.get(name)
        if not isinstance(prop, dict):
            continue
        units = accepted_units(spec.dim)
        prop["x-accepted-units"] = units
        prop["x-canonical-unit"] = units[0]
        prop["x-plausible-range"] = [spec.low, spec.high]
        bare = (
            " A bare number is read as that unit." if spec.dim in (Dim.PERCENT, Dim.COUNT) else ""
        )
        prop["description"] = (
            f'{spec.label}: {{"value": number, "unit": one of {", ".join(units)}}}; '
            f"plausible {fmt(spec.low)}–{fmt(spec.high)} {units[0]}.{bare}"
        )


class _Measured(BaseModel):
    """Fields shared by the current snapshot and the earlier ones in ``history``."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_measured_schema)

    date: dt.date | None = None
    _memo: dict[str, Any] = PrivateAttr(default_factory=dict)

    weight: Quantity | None = None
    height: Quantity | None = None
    serum_m_protein: Quantity | None = None
    urine_m_protein_24h: Quantity | None = None
    free_kappa: Quantity | None = None
    free_lambda: Quantity | None = None
    beta2_microglobulin: Quantity | None = None
    albumin: Quantity | None = None
    ldh: Quantity | None = None
    ldh_upper_limit: Quantity | None = None
    creatinine: Quantity | None = None
    creatinine_clearance: Quantity | None = None
    calcium: Quantity | None = None
    calcium_upper_limit: Quantity | None = None
    hemoglobin: Quantity | None = None
    hemoglobin_lower_limit: Quantity | None = None
    bone_marrow_plasma_cells_percent: Quantity | None = None
    circulating_plasma_cells_percent: Quantity | None = None
    del17p_clonal_fraction_percent: Quantity | None = None
    lytic_lesions: Quantity | None = None
    mri_focal_lesions: Quantity | None = None
    nt_probnp: Quantity | None = None
    bnp: Quantity | None = None
    troponin_t: Quantity | None = None
    troponin_i: Quantity | None = None
    proteinuria_24h: Quantity | None = None
    egfr: Quantity | None = None
    bmi: Quantity | None = None

    serum_immunofixation: Literal["positive", "negative"] | None = None
    urine_immunofixation: Literal["positive", "negative"] | None = None
    soft_tissue_plasmacytomas: Literal["none", "present", "reduced_50", "new_or_growing"] | None = (
        None
    )
    marrow_clonal_cells_absent: bool | None = None
    mrd: Mrd | None = None

    @field_validator(*MEASURED_FIELDS, mode="before")
    @classmethod
    def _bare_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """Percent and count fields have one unit, so a bare number is unambiguous."""
        if isinstance(value, int | float) and not isinstance(value, bool) and info.field_name:
            dim = MEASURED_FIELDS[info.field_name].dim
            unit = accepted_units(dim)[0]
            if dim in (Dim.PERCENT, Dim.COUNT):
                return {"value": value, "unit": unit}
            raise ValueError(
                f'a unit is required, e.g. {{"value": {value}, "unit": "{unit}"}}; '
                f"accepted units: {', '.join(accepted_units(dim))}"
            )
        return value

    @field_validator(*MEASURED_FIELDS, mode="after")
    @classmethod
    def _unit_and_plausibility(cls, value: Quantity | None, info: ValidationInfo) -> Any:
        if value is None or info.field_name is None:
            return value
        spec = MEASURED_FIELDS[info.field_name]
        message = check_quantity(spec, value)
        if message:
            raise ValueError(message)
        return value

    def get(self, name: str) -> float | None:
        """The value of measured field ``name`` in its canonical unit, or None if unknown.

        Converted once per (frozen) snapshot and then reused.
        """
        cache = self.__pydantic_private__["_memo"]  # type: ignore[index]  # _memo_dict, inlined
        known: float | None = cache.get(name, _UNSET)
        if known is not _UNSET:
            return known
        spec = MEASURED_FIELDS[name]
        quantity: Quantity | None = getattr(self, name)
        value: float | None = None
        if quantity is not None:
            converted = getattr(quantity, "_canonical", None)  # set when it was validated
            if converted is not None and converted[0] is spec.dim:
                value = converted[1]
            else:  # a quantity placed without validation (model_construct, model_copy)
                value = to_canonical(quantity.value, quantity.unit, spec.dim)
        cache[name] = value
        return value

    def __eq__(self, other: object) -> bool:
        """Equal when the fields are equal: the private memo is a cache, not data."""
        if not isinstance(other, _Measured):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # snapshots hold lists: never hashable

    def _memo_dict(self) -> dict[str, Any]:
        # The per-snapshot memo of converted values and derived intermediates. Read straight
        # from pydantic's private-attribute store: going through attribute access costs a
        # failed lookup and __getattr__ on every call, which showed up in the engine profile.
        private = self.__pydantic_private__
        assert private is not None
        memo: dict[str, Any] = private["_memo"]
        return memo

    def derived(self, key: str, compute: Callable[[Any], T]) -> T:
        """``compute(self)``, computed once per (frozen) snapshot and then reused.

        Several rules need the same intermediate (the diagnosis, the myeloma-defining events):
        one assessment computes it once. ``key`` names the intermediate, module-qualified.
        The intermediates are kept until :meth:`forget_derived` (``assess`` calls it when its
        rules are done).
        """
        cache = self.__pydantic_private__["_memo"]  # type: ignore[index]  # _memo_dict, inlined
        result: T = cache.get(key, _UNSET)
        if result is _UNSET:
            result = cache[key] = compute(self)
            keys: list[str] | None = cache.get(_DERIVED_KEYS)
            if keys is None:
                cache[_DERIVED_KEYS] = [key]
            else:
                keys.append(key)
        return result

    def forget_derived(self) -> None:
        """Drop the intermediates :meth:`derived` computed; converted values and shown texts
        stay. An assessment shares its intermediates among its rules, and ``assess`` drops them
        when it is done (issue 18): kept on every snapshot a caller holds, they were most of the
        objects the garbage collector re-scanned (the response timeline also refers back to its
        snapshot, so a snapshot holding it could only be freed by the collector)."""
        cache = self._memo_dict()
        keys: list[str] | None = cache.pop(_DERIVED_KEYS, None)
        if keys:
            for key in keys:
                cache.pop(key, None)

    def shown(self, name: str) -> str:
        """The value as entered, with its unit, for explanations ("3.2 g/dL").

        Formatted once per (frozen) snapshot: several rules show the same value.
        """
        cache = self.__pydantic_private__["_memo"]  # type: ignore[index]  # _memo_dict, inlined
        key, style = _SHOWN[name]
        known: str | None = cache.get(key)
        if known is not None:
            return known
        quantity: Quantity | None = getattr(self, name)
        if quantity is None:
            return "not recorded"
        if style is _WITH_UNIT:
            text = fmt(quantity.value, quantity.unit)
        else:  # a percentage or a count: its one unit is the sign, or nothing
            text = fmt(quantity.value) + style
        cache[key] = text
        return text


def check_quantity(spec: FieldSpec, quantity: Quantity) -> str | None:
    """A message if the unit is not accepted or the value is implausible, else None.

    The value converted to the canonical unit is kept on the quantity for ``Snapshot.get``.
    """
    try:
        canonical = to_canonical(quantity.value, quantity.unit, spec.dim)
    except UnitError as error:
        return str(error)
    object.__setattr__(quantity, "_canonical", (spec.dim, canonical))
    if spec.dim is Dim.COUNT and canonical != int(canonical):
        return f"{fmt(quantity.value)} is not a whole number of lesions"
    if canonical < spec.low or canonical > spec.high:
        unit = accepted_units(spec.dim)[0]
        hint = ""
        others = [u for u in accepted_units(spec.dim) if u != quantity.unit]
        if canonical > spec.high and others:
            hint = f"; check the unit (accepted: {', '.join(accepted_units(spec.dim))})"
        if canonical < 0:  # the caller names the field, as for every message here
            shown = fmt(quantity.value, quantity.unit)
            return f"{shown} is negative; a measured value cannot be below zero"
        return (
            f"{fmt(quantity.value, quantity.unit)} is outside the plausible range "
            f"{fmt(spec.low)}–{fmt(spec.high)} {unit}{hint}"
        )
    return None


class HistoryEntry(_Measured):
    """An earlier dated snapshot of the same patient (labs and response fields)."""

    date: dt.date


class Snapshot(_Measured):
    """One clinical snapshot: the engine's single input."""

    patient: PatientIdentity | None = None
    age_years: float | None = Field(default=None, ge=0, le=120, allow_inf_nan=False, strict=True)
    sex: Literal["female", "male"] | None = None

    m_protein_heavy_chain: Literal["IgG", "IgA", "IgM", "IgD", "IgE", "none"] | None = None
    m_protein_light_chain: Literal["kappa", "lambda"] | None = None

    biopsy_proven_plasmacytoma: Literal["none", "bone", "extramedullary"] | None = None
    clonality_proven: bool | None = None
    fish: list[Fish] | None = None

    amyloidosis: Amyloidosis | None = None
    poems: Poems | None = None

    history: list[HistoryEntry] = Field(default_factory=list, max_length=500)
    dialysis: bool | None = None
    ecog: int | None = Field(default=None, ge=0, le=4, strict=True)
    charlson_comorbidity_index: int | None = Field(default=None, ge=0, le=40, strict=True)
    katz_adl: int | None = Field(default=None, ge=0, le=6, strict=True)
    lawton_iadl: int | None = Field(default=None, ge=0, le=8, strict=True)
    vte_risk_factors: VteRiskFactors | None = None
    therapy_lines: list[TherapyLine] = Field(default_factory=list, max_length=100)
    # Engine II additions (optional; absent means not recorded).
    # Troponin T assay: "high_sensitivity" (fifth generation, reported in ng/L) or "conventional";
    # the AL stages use the published threshold for the assay (domain/criteria/amyloidosis.py).
    troponin_t_assay: Literal["conventional", "high_sensitivity"] | None = None
    braf_v600e: bool | None = None  # BRAF V600E variant found (sequencing of the myeloma clone)
    # "symptomatic" = hemorrhagic or central nervous system manifestations (the PDQ's wording)
    hyperviscosity: Literal["none", "asymptomatic", "symptomatic"] | None = None
    spinal_lesions: SpinalLesions | None = None
    # Engine I addition: IgM MGUS exclusions other than anemia (absent means not recorded).
    igm_related_findings: IgmFindings | None = None

    @field_validator("fish")
    @classmethod
    def _unique_fish(cls, value: list[Fish] | None) -> list[Fish] | None:
        if value is None:
            return None
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _history_in_order(self) -> Snapshot:
        dates = [entry.date for entry in self.history]
        if dates != sorted(dates):
            raise ValueError("history: entries must be oldest first")
        twice = sorted({day for day in dates if dates.count(day) > 1})
        if twice:
            # Two results for one date cannot both be the measurement of that day (the store
            # keeps one visit per date); which one counts would be a guess.
            raise ValueError(
                f"history: two entries on the same date ({', '.join(d.isoformat() for d in twice)})"
            )
        if self.date is not None and dates and dates[-1] > self.date:
            raise ValueError("history: an entry is dated after the current snapshot")
        return self

    def copy_with(self, update: dict[str, Any], memo: dict[str, Any]) -> Snapshot:
        """``model_copy(update=update)`` whose memo is ``memo``: the same object pydantic's copy
        gives (its fields with ``update`` applied, every updated field counted as set, no extra
        fields), built directly (issue 18: the response series makes one per history entry)."""
        copied: Snapshot = _new_object(Snapshot)
        fields = dict(self.__dict__)
        fields.update(update)
        _set_dict(copied, fields)
        _set_fields_set(copied, self.__pydantic_fields_set__ | update.keys())
        _set_extra(copied, None)  # extra fields are forbidden
        _set_private(copied, {"_memo": memo})
        return copied

    def has_fish(self, finding: Fish) -> bool | None:
        """True/False if FISH was done, None if it was not (absent means not done)."""
        if self.fish is None:
            return None
        return finding in self.fish


class SnapshotError(ValueError):
    """Invalid input: one message per field, in input order."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in problems))


def parse_snapshot(data: Any, *, today: dt.date | None = None) -> Snapshot:
    """Validate raw JSON-like data into a :class:`Snapshot` or raise :class:`SnapshotError`.

    The domain has no clock: a caller that knows the date (the CLI, the UI) passes ``today``,
    and a snapshot, history entry or therapy date after it is an error (one message per field).
    """
    try:
        snapshot = Snapshot.model_validate(data)
    except ValidationError as error:
        problems: list[tuple[str, str]] = []
        for item in error.errors(include_url=False):
            field = ".".join(str(part) for part in item["loc"]) or "snapshot"
            message = str(item["msg"]).removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = "unknown field (see `myeloma-desk schema` for the accepted fields)"
            elif item["type"] in ("float_type", "int_type"):
                kind = "a whole number" if item["type"] == "int_type" else "a number"
                message = f"must be {kind} (true/false and quoted numbers are not accepted)"
            if field == "snapshot" and message.startswith("history: "):
                field, message = "history", message.removeprefix("history: ")
            problems.append((field, message))
        raise SnapshotError(problems) from None
    if today is not None:
        future = _after(snapshot, today)
        if future:
            raise SnapshotError(future)
    return snapshot


def _after(s: Snapshot, today: dt.date) -> list[tuple[str, str]]:
    """One message for each date later than ``today``."""
    problems: list[tuple[str, str]] = []
    message = f"is after today ({today.isoformat()}); a recorded date cannot be in the future"
    if s.date is not None and s.date > today:
        problems.append(("date", f"{s.date.isoformat()} {message}"))
    for i, entry in enumerate(s.history):
        if entry.date > today:
            problems.append((f"history.{i}.date", f"{entry.date.isoformat()} {message}"))
    for i, line in enumerate(s.therapy_lines):
        # A part planned to start later (maintenance after induction: no end, response or
        # refractoriness recorded yet) may start after today; nothing it records is a result.
        planned = line.end is None and line.best_response is None and line.refractory is None
        for name in ("start", "end"):
            day = getattr(line, name)
            if day is not None and day > today and not (name == "start" and planned):
                problems.append((f"therapy_lines.{i}.{name}", f"{day.isoformat()} {message}"))
    return problems
