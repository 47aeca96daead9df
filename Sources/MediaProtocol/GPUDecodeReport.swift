/// What VA-API said about one render node: its vendor string and the profiles it decodes (raw
/// `VAProfile` numbers, named by the daemon's `VAProfileTable`), or why it could not be asked.
public struct GPUDecodeReport: Codable, Sendable, Equatable {
    public var renderNode: String
    public var vendorString: String?
    public var decodableProfiles: [Int32]
    /// Set when the node could not be probed.
    public var unavailableReason: String?

    public init(renderNode: String, vendorString: String?, decodableProfiles: [Int32], unavailableReason: String?) {
        self.renderNode = renderNode
        self.vendorString = vendorString
        self.decodableProfiles = decodableProfiles
        self.unavailableReason = unavailableReason
    }
}
