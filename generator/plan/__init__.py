"""Stage 2, plan: answers -> ModulePlan (peering, import blocks), decided once."""
