/// The catalog's configuration: where library folders may be, TMDb, the image cache.
public struct CatalogSettings: Sendable, Equatable {
    /// Absolute folders a library folder must lie under (after resolving links); empty refuses every folder.
    public var allowedRoots: [String]

    public init(allowedRoots: [String]) {
        self.allowedRoots = allowedRoots
    }
}
