"""Stage 3, render: ModulePlan -> file texts (Jinja2 templates, the module README)."""
