"""Myeloma Desk: an offline desktop reference for plasma cell neoplasms."""

__version__ = "0.1.0"
APP_NAME = "Myeloma Desk"
APP_ID = "myeloma-desk"
ORG_NAME = "Myeloma Desk"
