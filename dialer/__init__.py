"""Outbound campaigns driven by dial lists in the customer's database (issue: dialer)."""
