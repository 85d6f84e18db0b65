#!/bin/sh
# /usr/bin/myeloma-desk: start the frozen app installed under /opt/myeloma-desk.
exec /opt/myeloma-desk/myeloma-desk "$@"
