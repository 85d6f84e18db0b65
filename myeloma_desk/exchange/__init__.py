"""Patient data in and out of the store: FHIR R4 (via fhir.resources' R4B models), the
lossless native JSON bundle, research CSV, and de-identification. Pure Python, no Qt.

Every import is parsed and validated completely (:func:`importer.read_bundle`) before the
store writes anything, and the write itself is one transaction.
"""
