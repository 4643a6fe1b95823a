import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    """Oscar's catalogue, forked: farm-produce fields and database browsing."""

    name = "catalog"
    label = "catalogue"
