"""The only package that imports pjsua2: adapts SIP media to the interpreter's and the ACD's ports."""
