"""The Patients section, one responsibility per module:

- ``store``: opening the one patient store, its start-up backup, the idle lock's close;
- ``section``: ``PatientsView``, the list (filter, sort) stacked with the editor and the page;
- ``editor``: ``PatientEditor``, new or edit patient inline;
- ``page``: ``PatientPage``, one patient's timeline, trends, lines and actions;
- ``lines_editor``: ``TherapyLinesEditor``, the lines of therapy table and form;
- ``unavailable``: the page shown when the store cannot be opened (unlock, restore, retry);
- ``common``: small shared widgets.
"""
