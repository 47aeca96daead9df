import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files with fake content under a folder, for scans by name (probing off).
enum MediaTree {
    static func write(_ root: String, _ relativePaths: [String], bytes: Int = 16) throws {
        for relative in relativePaths {
            let path = root + "/" + relative
            try FileSystem.makeDirectories(FileSystem.parentDirectory(of: path))
            try FileSystem.writeAtomically(path, Array(repeating: UInt8(ascii: "x"), count: bytes))
        }
    }
}

extension CatalogFixture {
    /// Creates a library over `folder` as the owner; answers its id.
    func library(_ name: String, type: String, folder: String) async throws -> String {
        try FileSystem.makeDirectories(folder)
        let created = try await owner("POST", "/api/v1/libraries", json: ["name": .string(name), "type": .string(type), "paths": [.string(folder)]],
                                      expect: 201)
        guard let id = created["id"]?.stringValue else { throw CatalogFixtureError("no library id") }
        return id
    }

    /// Starts a scan and waits (up to a minute) until it is no longer pending or running; answers the scan.
    func scan(_ libraryID: String, type: String = "incremental") async throws -> JSON {
        let started = try await owner("POST", "/api/v1/libraries/\(libraryID)/scan", json: ["scan_type": .string(type)], expect: 202)
        guard let scanID = started["id"]?.stringValue else { throw CatalogFixtureError("no scan id") }
        for _ in 0..<600 {
            let scans = try await owner("GET", "/api/v1/libraries/\(libraryID)/scans?limit=100")
            if let scan = scans["scans"]?.arrayValue?.first(where: { $0["id"]?.stringValue == scanID }),
                let status = scan["status"]?.stringValue, status != "pending", status != "running"
            {
                return scan
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CatalogFixtureError("scan \(scanID) did not finish")
    }
}
