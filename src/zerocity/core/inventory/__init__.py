"""Community inventory: validate and compile activity rows (``compile``), compute gases and totals (``engine``)."""
