import Plex

/// The Plex XML scanner on arbitrary bytes, for the element names the fallback endpoints read.
func fuzzPlexXML(_ input: [UInt8]) {
    for name in ["MediaPart", "Part", "Directory", "Video", "Server"] {
        guard let elements = try? PlexXMLScanner.elements(named: name, in: input, limit: 1000) else { continue }
        guard elements.count <= 1000 else { violated("more elements than the limit", input) }
        for attributes in elements where attributes.count > 256 { violated("more than 256 attributes", input) }
    }
}
