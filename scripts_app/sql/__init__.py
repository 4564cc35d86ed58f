"""Database interactions: the only package that imports pyodbc.

- `types`     the values every part exchanges (bound statements, results, errors, issues)
- `template`  `%Field Name%` tokens -> bound `?` parameters (pure)
- `validate`  checks when a statement is saved: syntax, SELECT-only, fields (pure, sqlglot)
- `script`    DECLARE/SET/SELECT @var scripts run by ccweb on databases without T-SQL (pure)
- `values`    driver values -> call profile text
- `odbc_config`, `connect`, `pool`, `executor`   pyodbc: opening, pooling, deadlines
- `gateway`   one entry point: validate, bind, execute, map results to the profile
"""
