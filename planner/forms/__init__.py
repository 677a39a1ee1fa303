"""WTForms classes: they check input and hand clean values to the services."""
