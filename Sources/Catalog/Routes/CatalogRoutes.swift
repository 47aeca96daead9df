public import HTTP

/// Every route provider of the catalog, in the order `serve` mounts them.
public enum CatalogRoutes {
    public static func providers(_ catalog: CatalogService) -> [any RouteProvider] {
        [
            LibraryRoutes(catalog: catalog),
            MovieRoutes(catalog: catalog),
            SeriesRoutes(catalog: catalog),
            SearchRoutes(catalog: catalog),
            MetadataRoutes(catalog: catalog),
            RefreshRoutes(catalog: catalog),
            ImageRoutes(catalog: catalog),
        ]
    }
}
