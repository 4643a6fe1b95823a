"""Buyer impact and assistance statements (消费帮扶情况说明) with public verification."""
