"""Helpers the tests share: the terraform runner, the moto server, the tfgen runner."""
