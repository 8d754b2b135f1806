"""What people and pipelines read: text, the JSON report, SARIF."""
