public import Core
import Store

/// One catalog library (003's `Library`): a name, the kind of media, its folders and scan settings.
public struct Library: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case movie, tvshow
    }

    public var id: String
    public var name: String
    public var kind: Kind
    /// Absolute folders, each under one of the library roots.
    public var paths: [String]
    public var enabled: Bool
    public var scanOnStartup: Bool
    /// Watch the folders and scan what changes.
    public var realtimeMonitoring: Bool
    public var metadataProvider: String
    public var preferredLanguage: String
    /// Free-form scanner options a client keeps with the library (≤ 4 KiB).
    public var scannerConfig: JSON
    public var createdAt: Int64
    public var updatedAt: Int64

    init(row: Row) {
        id = row["id"].stringValue ?? ""
        name = row["name"].stringValue ?? ""
        kind = Kind(rawValue: row["type"].stringValue ?? "") ?? .movie
        paths = CatalogJSON.strings(row["paths"]).arrayValue?.compactMap(\.stringValue) ?? []
        enabled = row["enabled"].boolValue ?? true
        scanOnStartup = row["scan_on_startup"].boolValue ?? false
        realtimeMonitoring = row["realtime_monitoring"].boolValue ?? true
        metadataProvider = row["metadata_provider"].stringValue ?? "tmdb"
        preferredLanguage = row["preferred_language"].stringValue ?? "en"
        scannerConfig = row["scanner_config"].stringValue.flatMap { try? JSON.decode(Array($0.utf8)) } ?? [:]
        createdAt = row["created_at"].int64Value ?? 0
        updatedAt = row["updated_at"].int64Value ?? 0
    }

    public init(
        id: String, name: String, kind: Kind, paths: [String], enabled: Bool = true, scanOnStartup: Bool = false,
        realtimeMonitoring: Bool = true, metadataProvider: String = "tmdb", preferredLanguage: String = "en", scannerConfig: JSON = [:],
        createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.paths = paths
        self.enabled = enabled
        self.scanOnStartup = scanOnStartup
        self.realtimeMonitoring = realtimeMonitoring
        self.metadataProvider = metadataProvider
        self.preferredLanguage = preferredLanguage
        self.scannerConfig = scannerConfig
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
