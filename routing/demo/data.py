"""The demo contact center loaded by `make run`: a financial institution as in the guide's examples."""

SKILLS = [
    ("English", "Serves callers in English"),
    ("Spanish", "Serves callers in Mexican Spanish"),
    ("Stocks", "Stock trades"),
    ("Bonds", "Bond investments"),
]
GROUPS = [("Stock Traders", 15), ("Bond Specialists", 15), ("Customer Care", 30)]
AGENTS = [
    # number, name, extension, groups, skills with levels
    (
        "1001",
        "Alice Martin",
        "sip:1001@127.0.0.1:5070",
        ["Stock Traders", "Customer Care"],
        {"Stocks": 9, "English": 10},
    ),
    ("1002", "Bruno Silva", "sip:1002@127.0.0.1:5070", ["Bond Specialists"], {"Bonds": 8, "English": 7, "Spanish": 10}),
    (
        "1003",
        "Carmen Ortiz",
        "sip:1003@127.0.0.1:5070",
        ["Customer Care", "Bond Specialists"],
        {"Spanish": 9, "Bonds": 5},
    ),
]
SERVICES = [
    # name, description, priority, groups in order
    ("Stocks", "Customers whose CRM customer type is STOCKS", 7, ["Stock Traders", "Customer Care"]),
    ("Bonds", "Customers whose CRM customer type is BONDS", 6, ["Bond Specialists", "Customer Care"]),
    ("Customer Care", "Everyone else", 5, ["Customer Care"]),
]
DNIS = [("5000", "Main line"), ("5001", "Self service")]
IRNS = [
    # number, name, service, also a DNIS
    ("5000", "Main line", "Customer Care", True),
    ("5002", "Stock desk direct", "Stocks", False),
]
USER_FIELDS = [
    ("Customer Type", "Customer type from the CRM (Stocks or Bonds)", "text"),
    ("Account Balance", "Account balance from the CRM", "currency"),
]
CRM_CONNECTION = "Demo CRM"
CRM_CUSTOMERS = [
    # customer_id, name, phone (ANI format), customer_type, balance: the guide's two examples read these
    (1001, "Dana Whitfield", "+15551230001", "STOCKS", "2500.75"),
    (1002, "Omar Haddad", "+15551230002", "BONDS", "100.00"),
]
