"""Database interactions: the only package that imports pyodbc.

- `types`     the values every part exchanges (bound statements, results, errors, issues)
- `lexer`     literals, comments and identifiers of SQL text, so tokens are found only where they bind (pure)
- `template`  `%Field Name%` tokens -> bound `?` parameters (pure)
- `validate`  checks when a statement is saved: syntax, SELECT-only, fields (pure, sqlglot)
- `script`, `script_parse`   DECLARE/SET/SELECT @var scripts run by ccweb on databases without T-SQL (pure)
- `values`    driver values -> call profile text
- `odbc_config`, `connect`, `permits`, `pool`, `executor`, `errors`   pyodbc: opening, pooling, deadlines, typed errors
- `gateway`   one entry point: validate, bind, execute, map results to the profile
"""
