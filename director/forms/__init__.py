"""Director forms: they parse and pre-check input; the service layer has the final word."""
