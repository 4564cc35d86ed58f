"""Generic list / create / edit / delete pages driven by one `CrudPage` config per entity."""
