"""Package layout shim: the top-level resources/ folder ships as the myeloma_desk.resources package.

Everything else (metadata, dependencies, tools) lives in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["myeloma_desk", "myeloma_desk.*"]), "myeloma_desk.resources"],
    package_dir={"myeloma_desk.resources": "resources"},
    package_data={"myeloma_desk.resources": ["**/*"]},
)
