"""What every stage shares: errors and problems, findings, the regions catalog, HCL."""
