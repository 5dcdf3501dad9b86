"""Versioned decision policies (YAML), a package so the files ship in the wheel."""
