"""Write-side operations of the supply side (STYLE.md: services)."""
