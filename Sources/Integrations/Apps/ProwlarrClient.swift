/// Prowlarr's v1 API: status, indexers and which of them are failing.
public struct ProwlarrClient: Sendable {
    public let connection: AppConnection

    public init(connection: AppConnection) {
        self.connection = connection
    }

    public func systemStatus(fresh: Bool = false) async throws(IntegrationError) -> ArrSystemStatus {
        try await ArrCalls.systemStatus(connection, prefix: "/api/v1", fresh: fresh)
    }

    public func indexers() async throws(IntegrationError) -> [ProwlarrIndexer] {
        try await connection.get("/api/v1/indexer", lifetime: .list)
    }

    /// Indexers Prowlarr has disabled for a while after failures.
    public func indexerStatus() async throws(IntegrationError) -> [ProwlarrIndexerStatus] {
        try await connection.get("/api/v1/indexerstatus", lifetime: .status)
    }
}
