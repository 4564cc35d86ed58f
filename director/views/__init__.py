"""Director views that are not generic CRUD: home, login, System > Misc, audio streams."""
